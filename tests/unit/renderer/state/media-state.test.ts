import { describe, expect, it } from 'vitest';
import { MediaState } from '../../../../src/renderer/src/state/media-state.svelte';

function api(base = '/media/key/') {
  const saved: [number, string][] = [];
  return {
    saved,
    getMediaBase: async () => base,
    saveVideoPoster: async (id: number, url: string) => {
      saved.push([id, url]);
    },
  };
}

describe('MediaState', () => {
  it('builds URLs by job id from the host’s base, without a trailing slash', async () => {
    const media = new MediaState(api(), null);
    expect(media.thumbUrl(3)).toBeNull();
    await media.load();
    expect(media.thumbUrl(3)).toBe('/media/key/thumb/3');
    expect(media.thumbUrl(3, 'row')).toBe('/media/key/thumb-row/3');
    expect(media.originalUrl(3)).toBe('/media/key/original/3');
  });

  it('a missing thumbnail shows the icon; an image is not drawn', async () => {
    let draws = 0;
    const media = new MediaState(api(), async () => (draws++, 'data:image/jpeg;base64,AA=='));
    await media.load();
    media.thumbFailed({ id: 1, kind: 'image' });
    await media.idle();
    expect(media.thumbUrl(1)).toBeNull();
    expect(draws).toBe(0);
  });

  it('draws the poster frames of videos one at a time, saves them and loads the thumbnail again', async () => {
    const host = api();
    let running = 0;
    let most = 0;
    const drawn: string[] = [];
    const media = new MediaState(host, async (url) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      drawn.push(url);
      return url.endsWith('/2') ? null : 'data:image/jpeg;base64,AA==';
    });
    await media.load();
    media.thumbFailed({ id: 1, kind: 'video' });
    media.thumbFailed({ id: 2, kind: 'video' });
    media.thumbFailed({ id: 1, kind: 'video' });
    await new Promise((r) => setTimeout(r, 0));
    await media.idle();
    expect(most).toBe(1);
    expect(drawn).toEqual(['/media/key/original/1', '/media/key/original/2']);
    expect(host.saved).toEqual([[1, 'data:image/jpeg;base64,AA==']]);
    expect(media.thumbUrl(1)).toBe('/media/key/thumb/1?v=1');
    // Undecodable: the icon stays, and it is not tried again.
    expect(media.thumbUrl(2)).toBeNull();
  });

  it('a host without media leaves every URL null', async () => {
    const media = new MediaState(
      {
        getMediaBase: async () => {
          throw new Error('no media here');
        },
        saveVideoPoster: async () => {},
      },
      null,
    );
    await media.load();
    expect(media.originalUrl(1)).toBeNull();
  });
});
