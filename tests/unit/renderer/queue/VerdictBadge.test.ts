/**
 * A verdict in a narrow column: the badge's word and the percentage stay whole, which way a
 * suspect file leaned shows whole or not at all, the faces may end with an ellipsis (checked in
 * Chromium, tests/e2e/media-triage.test.ts), and the tooltip always holds the whole verdict.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import VerdictBadge from '../../../../src/renderer/src/queue/VerdictBadge.svelte';

afterEach(() => cleanup());

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('VerdictBadge', () => {
  it('keeps the label apart from the figures and puts the whole verdict in the tooltip', () => {
    render(VerdictBadge, { props: { verdict: { label: 'fake', confidence: 0.85, faces: 3, deepFakes: 1 } } });
    const cell = screen.getByTestId('verdict-cell');
    // Issue 12: the tooltip explains the verdict in words.
    expect(cell.getAttribute('title')).toBe(
      'Fake: The model found a manipulated face: 1 of 3 faces looks swapped.',
    );
    const badge = screen.getByTestId('verdict-badge');
    expect(text(badge)).toBe('✕Fake');
    // The figures are one run of text after the badge, the part that may be shortened.
    const figures = badge.nextElementSibling;
    expect(figures?.classList.contains('figures')).toBe(true);
    expect(text(figures)).toBe('85% confidence 1/3 faces fake');
    expect(figures?.contains(screen.getByTestId('verdict-confidence'))).toBe(true);
    expect(figures?.contains(screen.getByTestId('verdict-faces'))).toBe(true);
  });

  it('adds the reason to the tooltip', () => {
    render(VerdictBadge, {
      props: { verdict: { label: 'inconclusive', faces: 0, reason: 'No face was found in the video.' } },
    });
    expect(screen.getByTestId('verdict-cell').getAttribute('title')).toBe(
      'Inconclusive: No verdict: no face was found in the video.',
    );
  });

  it('says which way a suspect answer leaned, so its percent reads truthfully', () => {
    render(VerdictBadge, {
      props: {
        verdict: {
          label: 'suspect',
          leaning: 'authentic',
          confidence: 0.57,
          reason: 'The model leans towards authentic, with low confidence',
        },
      },
    });
    expect(text(screen.getByTestId('verdict-badge').nextElementSibling)).toBe(
      'leaned authentic · 57% confidence',
    );
    expect(screen.getByTestId('verdict-cell').getAttribute('title')).toBe(
      'Suspect: The model leaned authentic, with low confidence (57% confidence).',
    );
  });

  it('shows no figures when there are none', () => {
    render(VerdictBadge, { props: { verdict: { label: 'authentic' } } });
    expect(screen.getByTestId('verdict-badge').nextElementSibling).toBeNull();
  });
});
