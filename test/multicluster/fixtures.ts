/** Stand-ins for clusters' root certificates: PEM-shaped, never parsed. */
export const ROOT_A = '-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIQY2x1c3Rlci1hLXJvb3QtY2EwCgYIKoZIzj0EAwIwFjEU\n-----END CERTIFICATE-----\n';
export const ROOT_B = '-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIQY2x1c3Rlci1iLXJvb3QtY2EwCgYIKoZIzj0EAwIwFjEU\n-----END CERTIFICATE-----\n';
