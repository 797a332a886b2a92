/**
 * The sentences the engine writes into a job's row (its `errorMessage`), each in one place: the
 * watcher's classifier, the intake, the uploader, the poller and the user's actions all say the
 * same thing the same way. Pure; each says what happened and what to do (STYLE.md, wording for
 * people). The hints under a job (pipeline/hints.ts) are by error code and live there.
 */

/** A file that went away before it was checked, or (after it was checked) before it was sent. */
export function vanishedMessage(name: string, before: 'checked' | 'sent' = 'checked'): string {
  return `${name} was moved or deleted before ${before === 'checked' ? 'it could be checked' : 'it was sent'}. Put it back to check it.`;
}

/**
 * A file that changed under a job: before it was sent (the watcher saw the new version), or
 * after it was checked (the uploader found it changed). `newer`: the job of the new version.
 */
export function changedMessage(name: string, newer: number | null, when: 'unsent' | 'checked'): string {
  if (when === 'unsent')
    return `${name} changed before it was sent; the new version is job #${newer ?? '?'}.`;
  return `${name} changed after it was checked, so that version was not sent.${newer ? ` The new version is job #${newer}.` : ''}`;
}

/** A job the user cancelled; `duringUpload`: its bytes were streaming. */
export function cancelledMessage(duringUpload = false): string {
  return `Cancelled${duringUpload ? ' during the upload' : ''}.`;
}

/** The job's record was deleted on Authenta: before processing started, or before its verdict. */
export function remoteGoneMessage(before: 'processing' | 'verdict'): string {
  return `The record was deleted on Authenta before ${before === 'processing' ? 'processing started' : 'it had a verdict'}. Retry to send the file again.`;
}

/** A file whose folder is no longer watched; with the folder's path when it was just removed. */
export function folderRemovedMessage(name: string, folderPath?: string): string {
  return folderPath === undefined
    ? `${name}'s folder is no longer watched.`
    : `${name} was not sent: its folder ${folderPath} is no longer watched.`;
}

/** Bytes already checked with the same model: the earlier job's verdict is shown. */
export function duplicateMessage(prior: { id: number; name: string }, model: string): string {
  return `Same bytes as job #${prior.id} (${prior.name}), already checked with ${model}: its verdict is shown.`;
}

/** An action on a job id that has no row. */
export function noJobMessage(id: number): string {
  return `There is no job #${id}.`;
}

/** The timeline note of a POST cut short by a desk that stopped (its claim ran out): the file is sent again. */
export const POST_AGAIN_NOTE =
  'the desk sending it stopped before Authenta answered the POST: it is sent again (an unused INITED record may remain; it costs no credits)';
