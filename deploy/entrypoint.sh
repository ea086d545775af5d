#!/bin/sh
# wenzheng container entrypoint (deploy/Dockerfile).
#   web        migrate (unless WENZHENG_MIGRATE_ON_START=0), then gunicorn
#   worker     a huey consumer that runs jobs (scale it out)
#   scheduler  the single huey consumer that also enqueues the periodic jobs
#   migrate    apply migrations and exit
#   anything else runs as a command: `docker compose run --rm web wenzheng createsuperuser`
set -eu

case "${1:-web}" in
web)
    if [ "${WENZHENG_MIGRATE_ON_START:-1}" = "1" ]; then
        # Under a PostgreSQL advisory lock: web containers starting together migrate once.
        wenzheng deploy_migrate
    fi
    exec gunicorn --config /opt/wenzheng/deploy/gunicorn.conf.py wenzheng.wsgi:application
    ;;
worker)
    exec wenzheng run_huey --no-periodic --graceful-signal TERM --shutdown-timeout 60
    ;;
scheduler)
    exec wenzheng run_huey --workers 1 --graceful-signal TERM --shutdown-timeout 60
    ;;
migrate)
    exec wenzheng deploy_migrate
    ;;
*)
    exec "$@"
    ;;
esac
