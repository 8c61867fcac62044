#!/usr/bin/env bash
# Starts Debian's MariaDB on 127.0.0.1:3306 (no init system needed) and creates the test user.
set -euo pipefail
if ! mariadb-admin ping --silent 2>/dev/null; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  (mariadbd --user=mysql --bind-address=127.0.0.1 --port=3306 --skip-name-resolve >/tmp/mariadb.log 2>&1 &)
  for _ in $(seq 1 60); do mariadb-admin ping --silent 2>/dev/null && break; sleep 1; done
fi
mariadb-admin ping --silent
mariadb -uroot <<'SQL'
CREATE USER IF NOT EXISTS 'acm'@'127.0.0.1' IDENTIFIED BY 'acm';
CREATE USER IF NOT EXISTS 'acm'@'localhost' IDENTIFIED BY 'acm';
GRANT ALL PRIVILEGES ON *.* TO 'acm'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'acm'@'localhost' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS acm_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
FLUSH PRIVILEGES;
SQL
echo "MariaDB ready on 127.0.0.1:3306"
