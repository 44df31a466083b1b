// Makes the single mongod a one-member replica set named rs0 and waits until it is primary.
// Idempotent: a node that is already initiated is left alone.
try {
  rs.status();
  print('replica set rs0 already initiated');
} catch (error) {
  if (error.codeName !== 'NotYetInitialized') throw error;
  rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'mongodb:27017' }] });
  print('replica set rs0 initiated');
}
for (let i = 0; i < 60 && !db.hello().isWritablePrimary; i += 1) sleep(1000);
if (!db.hello().isWritablePrimary) throw new Error('rs0 has no primary after 60 s');
print('rs0 primary ready');
