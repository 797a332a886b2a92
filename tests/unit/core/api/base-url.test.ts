import { describe, expect, it } from 'vitest';
import { BaseUrlError, normaliseBaseUrl } from '../../../../src/main/core/api/base-url';

describe('normaliseBaseUrl', () => {
  it.each([
    ['https://platform.authenta.ai/api', 'https://platform.authenta.ai/api'],
    ['https://platform.authenta.ai/api/', 'https://platform.authenta.ai/api'],
    ['https://platform.authenta.ai', 'https://platform.authenta.ai/api'],
    ['https://platform.authenta.ai/', 'https://platform.authenta.ai/api'],
    ['platform.authenta.ai', 'https://platform.authenta.ai/api'],
    ['platform.authenta.ai/api', 'https://platform.authenta.ai/api'],
    ['  https://platform.authenta.ai/api  ', 'https://platform.authenta.ai/api'],
    ['HTTPS://Platform.Authenta.AI/API', 'https://platform.authenta.ai/api'],
    ['http://127.0.0.1:40123/api', 'http://127.0.0.1:40123/api'],
    ['http://127.0.0.1:40123/api/', 'http://127.0.0.1:40123/api'],
    ['http://127.0.0.1:40123', 'http://127.0.0.1:40123/api'],
    ['localhost:8080', 'https://localhost:8080/api'],
    ['https://example.com:443/api', 'https://example.com/api'],
    ['https://onprem.example.com/authenta/api', 'https://onprem.example.com/authenta/api'],
    ['https://onprem.example.com/authenta', 'https://onprem.example.com/authenta/api'],
    ['https://platform.authenta.ai/api/media', 'https://platform.authenta.ai/api'],
    ['https://platform.authenta.ai/api/media/692f406f9f68d4b70080bb80', 'https://platform.authenta.ai/api'],
    ['https://platform.authenta.ai//api//', 'https://platform.authenta.ai/api'],
    ['http://[::1]:3000/api', 'http://[::1]:3000/api'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseBaseUrl(input)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['ftp://example.com/api', /https:\/\//],
    ['mailto:someone@example.com', /not a web address/],
    ['https://', /not a valid web address|no valid host/],
    ['https://exa mple.com', /spaces/],
    ['https://user:pw@example.com/api', /user name or password/],
    ['https://example.com/api?x=1', /"\?" or "#"/],
    ['https://example.com/api#top', /"\?" or "#"/],
    ['https://exa*mple.com', /valid/],
    ['http://:80', /valid/],
  ])('refuses %j with a clear message', (input, message) => {
    expect(() => normaliseBaseUrl(input)).toThrow(BaseUrlError);
    expect(() => normaliseBaseUrl(input)).toThrow(message);
  });

  it('tells people what to type instead', () => {
    expect(() => normaliseBaseUrl('ftp://x')).toThrow(/https:\/\/platform\.authenta\.ai\/api/);
  });
});
