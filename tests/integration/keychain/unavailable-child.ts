// A KeytarSecretStore in a process that cannot reach any Secret Service: prints what it says.
import { KeytarSecretStore } from '../../../src/main/core/secrets/keytar-secret-store';

const store = new KeytarSecretStore({ service: 'Authenta Watch unavailable test' });
const availability = await store.availability();
const get = await store.get('p1');
const set = await store
  .set('p1', { kind: 'apikey', apiKey: 'never-stored-key-789' })
  .then(() => null)
  .catch((e: Error & { code?: string }) => ({ name: e.name, code: e.code, message: e.message }));
process.stdout.write(JSON.stringify({ availability, get, set }));
