#!/usr/bin/env bash
# The system packages the tests use beyond Python: Debian's Chromium (the browser tests), Pango (PDF briefs;
# Chromium brings it) and PostgreSQL (the store's tests on a real server, started by the tests themselves). Installed when missing and root is at hand (root, or sudo without a password); otherwise
# one line says what is missing and how to install it, and the tests that need it are skipped, saying so.
# Never fatal: a machine with no package mirror still runs every other test.
set -uo pipefail

PACKAGES="chromium libpango-1.0-0 libpangoft2-1.0-0 postgresql"
have_chromium() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }
have_pango() { /sbin/ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; }
have_postgres() { command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; }

if have_chromium && have_pango && have_postgres; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-packages: no apt-get here; install Chromium, Pango and PostgreSQL yourself ($PACKAGES), or the browser, PDF and PostgreSQL tests are skipped"
    exit 0
fi
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "system-packages: missing $PACKAGES and no root here: sudo apt-get install -y $PACKAGES (until then the browser, PDF and PostgreSQL tests are skipped)"
    exit 0
fi
echo "system-packages: installing $PACKAGES (apt-get)"
if ! { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null; }; then
    echo "system-packages: apt-get failed; the browser, PDF and PostgreSQL tests will be skipped"
fi
exit 0
