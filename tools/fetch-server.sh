#!/usr/bin/env bash
# fetch-server.sh - provide a real server binary from a Debian package, for tests.
#
# Usage:
#   tools/fetch-server.sh <debian-package>[=<version>] <suite> <binary-path-inside-package>
#
# Examples:
#   tools/fetch-server.sh etcd-server trixie   usr/bin/etcd      # etcd 3.5
#   tools/fetch-server.sh etcd-client trixie   usr/bin/etcdctl   # etcdctl 3.5
#   tools/fetch-server.sh consul      bullseye usr/bin/consul    # Consul 1.8
#
# The package is unpacked (dpkg-deb -x, nothing is installed) into
#   <project root>/.servers/<debian-package>/
# and the absolute path of the binary is printed on stdout. If that binary is
# already there, the script does nothing else and returns at once.
#
# The .deb is fetched with `apt-get download` using a PRIVATE sources list and
# private apt state under .servers/.apt/<suite>/; the machine's apt setup in
# /etc/apt is only read (for the Debian mirror it already uses), never changed.
# The mirror URI is taken at run time from the machine's own apt sources; set
# FETCH_SERVER_MIRROR=<uri> to override it.
#
# Environment:
#   FETCH_SERVER_MIRROR  Debian mirror URI to use instead of the machine's own.
#   SERVERS_DIR          where to unpack (default: <project root>/.servers).
#
# Exits non-zero with a clear message if the binary cannot be had.
set -euo pipefail

me="fetch-server"
log() { printf '%s: %s\n' "$me" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$me" "$*" >&2; exit 1; }

[ $# -eq 3 ] || die "usage: $0 <debian-package>[=<version>] <suite> <binary-path-inside-package>   (e.g. etcd-server trixie usr/bin/etcd)"

pkg_spec=$1
suite=$2
bin_rel=${3#/}
pkg=${pkg_spec%%=*}

case "$pkg" in ''|*[!a-z0-9.+-]*) die "bad Debian package name: '$pkg'";; esac
case "$suite" in ''|*[!a-z0-9-]*) die "bad suite name: '$suite'";; esac
case "$bin_rel" in ''|*..*) die "bad binary path: '$3'";; esac

project_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
servers_dir=${SERVERS_DIR:-$project_root/.servers}
dest=$servers_dir/$pkg
bin=$dest/$bin_rel

# Fast path: already there.
if [ -x "$bin" ] && [ -f "$bin" ]; then
    printf '%s\n' "$bin"
    exit 0
fi

for tool in apt-get apt-config dpkg dpkg-deb flock; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: this needs a Debian-like machine with apt and dpkg"
done

mkdir -p "$servers_dir"
# Serialise concurrent fetches (parallel Maven modules) on one lock.
exec 9>"$servers_dir/.lock"
flock 9
# Someone else may have fetched it while we waited.
if [ -x "$bin" ] && [ -f "$bin" ]; then
    printf '%s\n' "$bin"
    exit 0
fi

start=$(date +%s)
log "$bin_rel not found in $dest; fetching Debian package '$pkg_spec' from suite '$suite'"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"
arch=$(dpkg --print-architecture)

# ---------------------------------------------------------------- mirror URIs
# Debian mirror URIs the machine's own apt sources use, best first:
# entries for non-security suites whose path ends in /debian come first.
machine_mirrors() {
    local sl sp
    eval "$(apt-config shell sl Dir::Etc::SourceList/f sp Dir::Etc::SourceParts/d)"
    sl=${sl:-/etc/apt/sources.list}
    sp=${sp:-/etc/apt/sources.list.d/}
    {
        # one-line format: deb [options] uri suite component...
        for f in "$sl" "$sp"*.list; do
            [ -r "$f" ] || continue
            sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
                awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
        done
        # deb822 format
        for f in "$sp"*.sources; do
            [ -r "$f" ] || continue
            awk '
                function flush(   n, i, j, u, s) {
                    if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no") {
                        n = split(uris, u, " "); m = split(suites, s, " ")
                        for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j]
                    }
                    types = uris = suites = ""; enabled = "yes"
                }
                BEGIN { enabled = "yes" }
                /^[ \t]*#/ { next }
                /^[ \t]*$/ { flush(); next }
                /^[ \t]/   { next }   # continuation line (e.g. inline key)
                {
                    key = tolower($1); sub(/:$/, "", key)
                    val = $0; sub(/^[^:]*:[ \t]*/, "", val)
                    if (key == "types") types = val
                    else if (key == "uris") uris = val
                    else if (key == "suites") suites = val
                    else if (key == "enabled") enabled = val
                }
                END { flush() }
            ' "$f"
        done
    } | awk '
        $1 !~ /^https?:\/\// { next }          # http(s) only
        $2 ~ /-security$/ || $2 ~ /\// { next } # not the security archive
        {
            u = $1; sub(/\/+$/, "", u)
            rank = (u ~ /\/debian$/) ? 0 : 1
            if (!(u in seen)) { seen[u] = 1; print rank, NR, u }
        }
    ' | sort -n -k1,1 -k2,2 | awk '{ print $3 }'
}

if [ -n "${FETCH_SERVER_MIRROR:-}" ]; then
    mirrors=${FETCH_SERVER_MIRROR%/}
else
    mirrors=$(machine_mirrors || true)
fi
[ -n "$mirrors" ] || die "no Debian mirror found in the machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/); set FETCH_SERVER_MIRROR=<uri of a Debian mirror>"

# ------------------------------------------------------------ private apt
state=$servers_dir/.apt/$suite
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc"
: > "$state/status"
apt_log=$state/apt.log

# Read after the machine's apt.conf.d (so e.g. its proxy settings still
# apply), but drop its hooks and preferences: they belong to the system.
cat > "$state/etc/apt.conf" <<EOF
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
#clear DPkg::Pre-Invoke;
#clear DPkg::Post-Invoke;
#clear DPkg::Pre-Install-Pkgs;
#clear APT::Architectures;
Dir::Etc::SourceList "$state/etc/sources.list";
Dir::Etc::SourceParts "/dev/null";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "/dev/null";
Dir::State "$state";
Dir::State::Lists "$state/lists";
Dir::State::status "$state/status";
Dir::State::extended_states "$state/extended_states";
Dir::Cache "$state/cache";
Dir::Cache::archives "$state/cache/archives";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Debug::NoLocking "1";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Sandbox::User "root";
APT::Get::AllowUnauthenticated "false";
Acquire::Languages "none";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons-large::DefaultEnabled "false";
Acquire::IndexTargets::deb::DEP-11-icons-large-hidpi::DefaultEnabled "false";
Acquire::IndexTargets::deb::CNF::DefaultEnabled "false";
Acquire::Retries "3";
EOF

papt() { apt-get -q -c "$state/etc/apt.conf" "$@"; }

work=$(mktemp -d "$servers_dir/.tmp.$pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT

got=""
for mirror in $mirrors; do
    printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" > "$state/etc/sources.list"
    log "apt-get update ($mirror $suite, private state in $state)"
    if ! papt update --error-on=any > "$apt_log" 2>&1 || grep -q '^E:' "$apt_log"; then
        log "apt-get update failed for $mirror $suite:"
        sed 's/^/    /' "$apt_log" >&2
        continue
    fi
    log "apt-get download $pkg_spec"
    if ! (cd "$work" && papt download "$pkg_spec") >> "$apt_log" 2>&1; then
        log "apt-get download failed from $mirror $suite:"
        sed 's/^/    /' "$apt_log" >&2
        continue
    fi
    got=$(find "$work" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
    [ -n "$got" ] && break
done
[ -n "$got" ] || die "could not download Debian package '$pkg_spec' from suite '$suite' (mirrors tried: $(echo $mirrors)); no $bin_rel"

version=$(dpkg-deb -f "$got" Version)
log "unpacking $(basename "$got")"
dpkg-deb -x "$got" "$work/root" || die "dpkg-deb -x failed for $got"
[ -f "$work/root/$bin_rel" ] && [ -x "$work/root/$bin_rel" ] ||
    die "package '$pkg' $version from '$suite' has no executable $bin_rel; its files: $(dpkg-deb -c "$got" | awk '{print $NF}' | grep -E '/s?bin/' | tr '\n' ' ')"
printf 'package=%s\nversion=%s\nsuite=%s\narch=%s\n' "$pkg" "$version" "$suite" "$arch" > "$work/root/.package"

# Replace atomically so a half-unpacked tree never counts as present.
rm -rf "$dest.old"
[ -e "$dest" ] && mv "$dest" "$dest.old"
mv "$work/root" "$dest"
rm -rf "$dest.old" "$state/cache/archives"/*.deb

log "ready: $bin ($pkg $version from $suite, $(( $(date +%s) - start ))s)"
printf '%s\n' "$bin"
