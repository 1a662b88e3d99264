// The far end of the raw-msgpackr-tcp peer: a separate Node process that echoes or counts frames.
// Started by raw-msgpackr-tcp.ts with fork(); listens on 127.0.0.1, port 0, and
// reports its port over IPC. Messages: ['ping', n] is echoed; anything else is
// counted until ['sync'], answered with ['synced', count].
import { createServer } from 'node:net';
import { encodeFrame, FrameReader } from './frames.js';

const server = createServer({ noDelay: true }, (socket) => {
  let count = 0;
  const reader = new FrameReader((value) => {
    const message = value as readonly unknown[];
    if (message[0] === 'ping') socket.write(encodeFrame(message));
    else if (message[0] === 'sync') socket.write(encodeFrame(['synced', count]));
    else count++;
  });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('close', () => process.exit(0));
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('raw-tcp-peer: no TCP address');
  process.send?.({ port: address.port });
});
process.on('disconnect', () => process.exit(0));
