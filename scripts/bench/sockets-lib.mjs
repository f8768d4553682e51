// What the socket load generators (idle-load.mjs, storm-load.mjs) share; plain Node.
/**
 * Ends a socket with a reset rather than a FIN: a closed TCP connection stays in TIME_WAIT on the
 * side that closed it first for 60 s, and 10,000 of them on the load's source addresses left
 * the next run's binds hunting for a free port: that run took 20–26 s to open what the others
 * opened in 2–7 s (Parley's second idle run, every time; `profile-accept.ts --rounds` showed the
 * slow round come and go with the count of TIME_WAIT sockets, not with the server).
 */
export function drop(ws) {
  const socket = ws._socket
  if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else ws.terminate()
}
