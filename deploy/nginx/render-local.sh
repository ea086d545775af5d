#!/bin/sh
# Render deploy/nginx/wenzheng.conf and wenzheng-common.conf into a scratch directory with
# local ports, a self-signed certificate and a top-level nginx.conf, so that the real files can be
# checked (`nginx -t -p DIR -c DIR/nginx.conf`) and run without root paths. Used by
# deploy/smoke.sh and wenzheng/core/tests/test_deploy_files.py.
#
#   deploy/nginx/render-local.sh DIR HTTP_PORT HTTPS_PORT APP_PORT
# Static files are then expected in DIR/srv/static, attachments in DIR/srv/media.
set -eu
T=$1
HTTP_PORT=$2
HTTPS_PORT=$3
APP_PORT=$4
HERE=$(cd "$(dirname "$0")" && pwd)
HOST=${WENZHENG_SERVER_NAME:-wenzheng.example.gov.cn}

mkdir -p "$T/srv/static" "$T/srv/media" "$T/tls" "$T/tmp" "$T/acme"
chmod 0755 "$T" "$T/srv"  # nginx workers run as an unprivileged user
rm -rf "$T/srv/errors"
cp -r "$HERE/errors" "$T/srv/errors"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
    -keyout "$T/tls/privkey.pem" -out "$T/tls/fullchain.pem" >/dev/null 2>&1
sed -e "s|/srv/wenzheng|$T/srv|g" "$HERE/wenzheng-common.conf" >"$T/wenzheng-common.conf"
sed -e "s|listen 80|listen $HTTP_PORT|; s|listen \[::\]:80|listen [::]:$HTTP_PORT|" \
    -e "s|listen 443|listen $HTTPS_PORT|; s|listen \[::\]:443|listen [::]:$HTTPS_PORT|" \
    -e "s|127.0.0.1:8000|127.0.0.1:$APP_PORT|" \
    -e "s|/etc/ssl/wenzheng/|$T/tls/|" \
    -e "s|/etc/nginx/snippets/wenzheng-common.conf|$T/wenzheng-common.conf|" \
    -e "s|/var/www/acme|$T/acme|" \
    -e "s|wenzheng.example.gov.cn|$HOST|g" \
    "$HERE/wenzheng.conf" >"$T/site.conf"
cat >"$T/nginx.conf" <<CONF
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $T/nginx-access.log;
    client_body_temp_path $T/tmp/body;
    proxy_temp_path $T/tmp/proxy;
    fastcgi_temp_path $T/tmp/fastcgi;
    uwsgi_temp_path $T/tmp/uwsgi;
    scgi_temp_path $T/tmp/scgi;
    sendfile on;
    include $T/site.conf;
}
CONF
