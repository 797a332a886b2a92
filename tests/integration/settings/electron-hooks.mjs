// Module hooks for a child Node process: `electron` resolves to a tiny fake main process, so
// electron-store (which imports electron at load time) can run under plain Node.
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') {
    return { url: new URL('./fake-electron-main.mjs', import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
