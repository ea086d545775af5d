#!/bin/sh
# Smoke test of the production layout on this machine, without Docker: PostgreSQL and Redis on
# loopback, gunicorn started with deploy/gunicorn.conf.py, nginx with deploy/nginx/wenzheng.conf
# and wenzheng-common.conf (paths and ports rewritten into a scratch directory, TLS with a
# self-signed certificate), a worker and the scheduler; then real requests through nginx.
#
#   deploy/smoke.sh                  # from the repository root; needs nginx, openssl, curl, psql
#   SMOKE_DEMO=0 deploy/smoke.sh     # skip loading the demo (then only pages that need no data)
#   SMOKE_REUSE=1 deploy/smoke.sh    # keep the database for the next SMOKE_REUSE=1 run
#   SMOKE_IMAGE=wenzheng:latest deploy/smoke.sh
#                                    # the application (checks, migrations, demo, gunicorn, worker,
#                                    # scheduler) from the container image instead of .venv, on the
#                                    # host's network; SMOKE_ENGINE=podman when docker is not there
#
# Exit status 0 when every check passed. Everything it starts is stopped, and its database dropped.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin"
PG=${SMOKE_PG:-postgresql://postgres@127.0.0.1:5432}
DB=${SMOKE_DB:-wz_deploy_smoke}
REDIS=${SMOKE_REDIS:-redis://127.0.0.1:6379}
APP_PORT=${SMOKE_APP_PORT:-28000}
HTTP_PORT=${SMOKE_HTTP_PORT:-28080}
HTTPS_PORT=${SMOKE_HTTPS_PORT:-28443}
HOST=wenzheng.example.gov.cn
KEYS="${TMPDIR:-/tmp}/wenzheng-smoke-$DB.keys"
T=$(mktemp -d /tmp/wenzheng-smoke.XXXXXX)
chmod 0755 "$T"  # nginx workers (an unprivileged user) read the static files under it
PIDS=""
FAILED=0
IMAGE=${SMOKE_IMAGE:-}
ENGINE=${SMOKE_ENGINE:-docker}
GUNICORN_CONF="$ROOT/deploy/gunicorn.conf.py"
[ -n "$IMAGE" ] && GUNICORN_CONF=/opt/wenzheng/deploy/gunicorn.conf.py  # where the image has it

# app PROGRAM ARGS...: a program of the application, from .venv or inside the image (with this
# run's environment and its scratch directory mounted at the same path, as the image's own user).
# Started in the background, it execs, so $! is the program (or the engine's client, which passes
# signals on to the container): the TERM checks below reach it.
app() {
    prog=$1
    shift
    if [ -z "$IMAGE" ]; then
        exec "$PY/$prog" "$@"
    fi
    exec "$ENGINE" run --rm --network host --env-file "$T/app.env" -v "$T/srv:$T/srv" "$IMAGE" "$prog" "$@"
}

say() { printf '%s\n' "$*"; }
ok() { say "  ok    $*"; }
bad() { say "  FAIL  $*"; FAILED=1; }

cleanup() {
    for pid in $PIDS; do kill "$pid" 2>/dev/null || true; done
    [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null || true
    sleep 1
    if [ "${SMOKE_REUSE:-0}" != 1 ]; then
        psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
        rm -f "$KEYS"
    fi
    # Only what this run left, under its own names.
    for db in 13 14; do
        redis-cli -u "$REDIS/$db" --scan --pattern "*wenzheng-smoke-$$*" | xargs -r redis-cli -u "$REDIS/$db" del >/dev/null || true
    done
    [ "${SMOKE_KEEP:-0}" = 1 ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM

# --- the production environment: the example file, with generated keys ------------------------
set -a
# shellcheck disable=SC1091
. "$ROOT/deploy/wenzheng.env.example"
set +a
# Fresh keys each run; a reused database keeps the keys its rows were written with.
if [ "${SMOKE_REUSE:-0}" = 1 ] && [ -f "$KEYS" ]; then
    # shellcheck disable=SC1090
    . "$KEYS"
else
    DJANGO_SECRET_KEY=$(openssl rand -base64 48)
    WENZHENG_AUDIT_KEY=$(openssl rand -hex 32)
    WENZHENG_QUERY_CODE_KEY=$(openssl rand -hex 32)
    WENZHENG_FIELD_KEYS=$(openssl rand -base64 32 | tr '+/' '-_')
    WENZHENG_BLIND_INDEX_KEY=$(openssl rand -hex 32)
    if [ "${SMOKE_REUSE:-0}" = 1 ]; then
        (umask 077 && printf 'DJANGO_SECRET_KEY=%s\nWENZHENG_AUDIT_KEY=%s\nWENZHENG_QUERY_CODE_KEY=%s\nWENZHENG_FIELD_KEYS=%s\nWENZHENG_BLIND_INDEX_KEY=%s\n' \
            "$DJANGO_SECRET_KEY" "$WENZHENG_AUDIT_KEY" "$WENZHENG_QUERY_CODE_KEY" "$WENZHENG_FIELD_KEYS" \
            "$WENZHENG_BLIND_INDEX_KEY" >"$KEYS")
    fi
fi
DATABASE_URL="$PG/$DB?application_name=wz-primary"
# A "replica" that is the same database under another connection name: the router's reads are
# then visible in pg_stat_activity as the wz-replica connection.
DATABASE_REPLICA_URLS="$PG/$DB?application_name=wz-replica"
WENZHENG_QUEUE_URL="$REDIS/13"
WENZHENG_CACHE="$REDIS/14"
# Its own names in a Redis others may use: neither its worker takes their jobs nor its cleanup
# deletes their keys.
WENZHENG_REDIS_PREFIX="wenzheng-smoke-$$"
WENZHENG_VAR_DIR="$T/srv/var"
DJANGO_STATIC_ROOT="$T/srv/static"
DJANGO_MEDIA_ROOT="$T/srv/media"
WENZHENG_BIND="127.0.0.1:$APP_PORT"
WENZHENG_WEB_WORKERS=2
WENZHENG_SITE_URL="https://$HOST"
# Browsers send the port in Referer and Origin; off port 443 the origin must be listed.
DJANGO_CSRF_TRUSTED_ORIGINS="https://$HOST:$HTTPS_PORT"
export DATABASE_REPLICA_URLS DJANGO_SECRET_KEY WENZHENG_AUDIT_KEY WENZHENG_QUERY_CODE_KEY WENZHENG_FIELD_KEYS \
    WENZHENG_BLIND_INDEX_KEY DATABASE_URL WENZHENG_QUEUE_URL WENZHENG_CACHE WENZHENG_REDIS_PREFIX WENZHENG_VAR_DIR \
    DJANGO_STATIC_ROOT DJANGO_MEDIA_ROOT WENZHENG_BIND WENZHENG_WEB_WORKERS WENZHENG_SITE_URL DJANGO_CSRF_TRUSTED_ORIGINS
mkdir -p "$T/srv/media" "$T/srv/var"
if [ -n "$IMAGE" ]; then
    env | grep -E '^(DJANGO_|WENZHENG_|DATABASE_|DB_)' >"$T/app.env"
    chmod 1777 "$T/srv" "$T/srv/media" "$T/srv/var"  # the image runs as its own user (uid 10001)
    say "== image $IMAGE ($ENGINE)"
    ok "$("$ENGINE" image inspect --format '{{.Id}} {{.Size}} bytes, user {{.Config.User}}' "$IMAGE")"
fi
cd "$ROOT"

say "== settings and database"
# SMOKE_REUSE=1 keeps the database of an earlier SMOKE_REUSE=1 run (migrated, demo loaded).
FRESH=1
if [ "${SMOKE_REUSE:-0}" = 1 ] && psql "$PG/$DB" -qAtc "SELECT 1" >/dev/null 2>&1; then
    FRESH=0
else
    psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    psql "$PG/postgres" -qAtc "CREATE DATABASE $DB" >/dev/null
fi
out=$(app wenzheng check --deploy 2>&1) || true
if printf '%s' "$out" | grep -q "System check identified no issues"; then
    ok "wenzheng check --deploy: $(printf '%s' "$out" | tail -1)"
else
    bad "wenzheng check --deploy:"; say "$out"
fi
start=$(date +%s)
(app wenzheng deploy_migrate --verbosity 0)
ok "deploy_migrate in $(($(date +%s) - start)) s"
(app wenzheng createcachetable) >/dev/null
(app wenzheng collectstatic --noinput --verbosity 0)
[ -f "$DJANGO_STATIC_ROOT/staticfiles.json" ] && ok "collectstatic wrote the manifest ($(find "$DJANGO_STATIC_ROOT" -type f | wc -l) files)" || bad "no staticfiles.json"
find "$DJANGO_STATIC_ROOT" -type f \( -name '*.css' -o -name '*.js' -o -name '*.svg' \) -exec gzip -k -9 {} +
if [ "${SMOKE_DEMO:-1}" = 1 ] && [ "$FRESH" = 1 ]; then
    start=$(date +%s)
    (app wenzheng demo load) >/dev/null 2>&1 || bad "demo load"
    ok "demo loaded in $(($(date +%s) - start)) s"
fi

say "== nginx (deploy/nginx/wenzheng.conf and wenzheng-common.conf)"
"$ROOT/deploy/nginx/render-local.sh" "$T" "$HTTP_PORT" "$HTTPS_PORT" "$APP_PORT"
if nginx -t -p "$T" -c "$T/nginx.conf" >"$T/nginx-t.log" 2>&1; then ok "nginx -t: $(tail -1 "$T/nginx-t.log")"; else bad "nginx -t"; cat "$T/nginx-t.log"; exit 1; fi
nginx -p "$T" -c "$T/nginx.conf"

say "== gunicorn (deploy/gunicorn.conf.py), worker and scheduler"
app gunicorn --config "$GUNICORN_CONF" wenzheng.wsgi:application >"$T/gunicorn.log" 2>&1 &
GUNICORN=$!
PIDS="$PIDS $GUNICORN"
app wenzheng run_huey --no-periodic --graceful-signal TERM --shutdown-timeout 10 >"$T/worker.log" 2>&1 &
WORKER=$!
PIDS="$PIDS $WORKER"
app wenzheng run_huey --workers 1 --graceful-signal TERM --shutdown-timeout 10 >"$T/scheduler.log" 2>&1 &
SCHEDULER=$!
PIDS="$PIDS $SCHEDULER"
for _ in $(seq 60); do
    curl -s -o /dev/null -H "Host: $HOST" "http://127.0.0.1:$APP_PORT/" && break
    sleep 0.5
done
ok "gunicorn answers on 127.0.0.1:$APP_PORT ($(grep -c 'Booting worker' "$T/gunicorn.log") workers booted)"

C="curl -s --max-time 120 --resolve $HOST:$HTTP_PORT:127.0.0.1 --resolve $HOST:$HTTPS_PORT:127.0.0.1 --cacert $T/tls/fullchain.pem"
H="https://$HOST:$HTTPS_PORT"

say "== requests through nginx"
# From here a failed request is reported as FAIL, and the remaining checks still run.
set +e
loc=$($C -o /dev/null -w '%{http_code} %{redirect_url}' "http://$HOST:$HTTP_PORT/board/?q=1")
case "$loc" in "301 https://$HOST/board/?q=1") ok "http -> $loc" ;; *) bad "http redirect: $loc" ;; esac

if [ "${SMOKE_DEMO:-1}" = 1 ]; then
    $C -D "$T/home.h" -o "$T/home.html" -H 'Accept-Encoding: gzip' --compressed "$H/"
    code=$(head -1 "$T/home.h" | cut -d' ' -f2)
    [ "$code" = 200 ] && grep -q '<html' "$T/home.html" && ok "portal home 200 ($(wc -c <"$T/home.html") bytes)" || bad "portal home: $code"
    grep -qi '^content-encoding: gzip' "$T/home.h" && ok "page gzip-compressed by nginx" || bad "page not compressed"
    grep -qi '^strict-transport-security: max-age=31536000; includeSubDomains; preload' "$T/home.h" && ok "HSTS from Django" || bad "no HSTS on the page"
    $C -o /dev/null -w '%{http_code}' "$H/board/" | grep -q 200 && ok "public board 200" || bad "public board"
fi

# Static: a hashed name from the manifest, served by nginx, cached for a year, never by gunicorn.
css=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['paths']; print(m['portal/portal.css'])" "$DJANGO_STATIC_ROOT/staticfiles.json")
$C -D "$T/css.h" -o "$T/css.body" -H 'Accept-Encoding: gzip' "$H/static/$css"
head -1 "$T/css.h" | grep -q ' 200' && ok "static $css 200" || bad "static $css: $(head -1 "$T/css.h")"
grep -qi '^cache-control: public, max-age=31536000, immutable' "$T/css.h" && ok "hashed static cached a year, immutable" || bad "static cache header"
grep -qi '^content-encoding: gzip' "$T/css.h" && ok "static served pre-compressed (gzip_static)" || bad "static not compressed"
grep -q "/static/" "$T/gunicorn.log" && bad "gunicorn saw a static request" || ok "no static request reached gunicorn"
$C -o /dev/null -w '%{http_code}' "$H/static/portal/portal.css" | grep -q 200 && ok "unhashed static name also served" || bad "unhashed static"

code=$($C -o /dev/null -w '%{http_code}' "$H/media/attachments/2026/01/x.pdf")
[ "$code" = 404 ] && ok "/media/ is internal (404 from outside)" || bad "/media/ answered $code"
code=$($C -o /dev/null -w '%{http_code}' "$H/.env")
[ "$code" = 404 ] && ok "dot-files refused (404)" || bad "/.env answered $code"

# Workbench login through the proxy: CSRF (Referer on HTTPS), secure cookies, the real client IP.
$C -c "$T/jar" -D "$T/login.h" -o "$T/login.html" "$H/workbench/login/"
token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$T/login.html" | head -1)
grep -qi '^set-cookie: csrftoken=.*; Secure' "$T/login.h" && ok "CSRF cookie marked Secure" || bad "CSRF cookie not Secure"
if [ "${SMOKE_DEMO:-1}" = 1 ]; then
    code=$($C -b "$T/jar" -c "$T/jar" -o /dev/null -w '%{http_code} %{redirect_url}' -H "Referer: $H/workbench/login/" \
        -H 'X-Forwarded-For: 6.6.6.6' --data-urlencode "csrfmiddlewaretoken=$token" \
        --data-urlencode "username=supervisor" --data-urlencode "password=${WENZHENG_DEMO_PASSWORD:-wenzheng-demo}" \
        "$H/workbench/login/")
    case "$code" in 302*) ok "staff login through nginx: $code" ;; *) bad "login: $code" ;; esac
    code=$($C -b "$T/jar" -o /dev/null -w '%{http_code}' "$H/workbench/dashboard/")
    [ "$code" = 200 ] && ok "dashboard 200" || bad "dashboard: $code"
    replicas=$(psql "$PG/postgres" -qAtc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND application_name = 'wz-replica'")
    [ "$replicas" -ge 1 ] && ok "board and dashboard read through the replica connection ($replicas open)" || bad "no replica connection after the board and dashboard"
    code=$($C -b "$T/jar" -o /dev/null -w '%{http_code}' "$H/workbench/search/?q=%E7%94%B5%E6%A2%AF")
    [ "$code" = 200 ] && ok "workbench search 200" || bad "search: $code"
fi
sleep 1
if grep -q '^6\.6\.6\.6' "$T/gunicorn.log"; then bad "a client's X-Forwarded-For reached the application"; else ok "client's X-Forwarded-For replaced by nginx (gunicorn log: $(grep 'POST /workbench/login/' "$T/gunicorn.log" | tail -1 | cut -c1-60))"; fi

# Upload limit: 70 MB is refused by nginx with the Chinese page, before gunicorn.
head -c 70000000 /dev/zero >"$T/big"
$C -o "$T/413.html" -w '%{http_code}' -H 'Content-Type: application/octet-stream' --data-binary @"$T/big" "$H/webhooks/x/" >"$T/413.code" || true
[ "$(cat "$T/413.code")" = 413 ] && grep -q '上传内容过大' "$T/413.html" && ok "70 MB body refused: 413 with the Chinese page" || bad "upload limit: $(cat "$T/413.code")"

# A host name nginx does not serve: no certificate, no page.
if curl -s --max-time 5 -k --resolve "other.example:$HTTPS_PORT:127.0.0.1" "https://other.example:$HTTPS_PORT/" -o /dev/null; then
    bad "unknown host answered"
else
    ok "unknown host refused at the TLS handshake"
fi

say "== background jobs"
sleep 2
grep -q "Huey consumer started" "$T/worker.log" && ok "worker started ($(grep -o -m1 'started with [0-9]* thread' "$T/worker.log"))" || bad "worker did not start"
grep -q "Periodic tasks are disabled" "$T/worker.log" && ok "worker does not enqueue periodic jobs" || bad "worker periodic"
grep -q "Periodic tasks are enabled" "$T/scheduler.log" && ok "scheduler enqueues periodic jobs" || bad "scheduler periodic"

say "== graceful stop and the maintenance page"
kill -TERM "$WORKER" "$SCHEDULER"
kill -TERM "$GUNICORN"
for _ in $(seq 30); do kill -0 "$GUNICORN" 2>/dev/null || break; sleep 0.5; done
kill -0 "$GUNICORN" 2>/dev/null && bad "gunicorn still running after TERM" || ok "gunicorn stopped on TERM"
code=$($C -o "$T/502.html" -w '%{http_code}' "$H/workbench/login/")
[ "$code" = 502 ] && grep -q '系统暂时无法访问' "$T/502.html" && ok "application down: 502 with the Chinese page" || bad "maintenance page: $code"
for _ in $(seq 30); do kill -0 "$WORKER" 2>/dev/null || kill -0 "$SCHEDULER" 2>/dev/null || break; sleep 0.5; done
kill -0 "$WORKER" 2>/dev/null && bad "worker still running" || ok "worker and scheduler stopped on TERM"

if [ "$FAILED" = 0 ]; then say "smoke: all checks passed"; else say "smoke: FAILED (logs: set SMOKE_KEEP=1 and look in $T)"; fi
exit "$FAILED"
