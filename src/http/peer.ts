/**
 * Whether a connection comes from this machine's own 127.0.0.1 / ::1, decided by the
 * socket's peer address only: forwarded-for headers are the client's word and never count.
 * Other 127.x addresses are not accepted (a local container or tunnel may use them).
 * @category peers
 */
export const isLocalPeer = (remoteAddress: string | undefined): boolean =>
  remoteAddress === "127.0.0.1" || remoteAddress === "::1" || remoteAddress === "::ffff:127.0.0.1"
