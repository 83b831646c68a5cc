#!/usr/bin/env bash
# Makes the self-signed certificate the TLS test of TAOServerTests uses (localhost, EC P-256, valid 100 years).
set -euo pipefail
cd "$(dirname "$0")/../Tests/TAOServerTests/Fixtures"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout tls_key.pem -out tls_cert.pem 2>/dev/null
echo "wrote tls_cert.pem and tls_key.pem"
