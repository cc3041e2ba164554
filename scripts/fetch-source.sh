#!/usr/bin/env bash
# Fetches the upstream tarball of a Debian source package, checked against
# a pinned SHA-256, into build/sources/, once: a second build finds it
# there and does not touch the network. apt does the fetching, with a
# source list, state and cache of the project's own under build/apt/
# (never /etc/apt), trusting only Debian's archive keyring.
#
#   scripts/fetch-source.sh NAME     prints the tarball's path
#
# The packages the system builds from source, one line each:
#   name      version      suite   tarball                        sha256
packages=(
	"picolibc 1.8.10-2 trixie picolibc_1.8.10.orig.tar.gz d1fc2a20f217472f8d9da084a519a25678e8d91852a41c7f3f1840d3508f7163"
	"lwip 2.2.1+dfsg1-1+deb13u1 trixie lwip_2.2.1+dfsg1.orig.tar.xz 83729c274c499d3348e9fbbe043a3113f3fa8953e7efddc7c21c7fcbb1f2b7b1"
)
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:?usage: scripts/fetch-source.sh NAME}
line=""
for p in "${packages[@]}"; do
	[[ ${p%% *} == "$name" ]] && line=$p
done
[[ -n $line ]] || { echo "fetch-source: no pinned source package '$name' in $0" >&2; exit 1; }
read -r _ version suite tarball sha256 <<<"$line"

dir=build/sources
out=$dir/$tarball
check() {
	echo "$sha256  $1" | sha256sum --check --status
}
if [[ -f $out ]] && check "$out"; then
	echo "$out"
	exit 0
fi

apt_dir=$PWD/build/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dir"
cat >"$apt_dir/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
apt_opts=(
	-o "Dir::Etc::SourceList=$apt_dir/sources.list"
	-o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o Dir::State::Status=/dev/null
	-o Debug::NoLocking=1
	-o APT::Get::Only-Source=true
	-o "APT::Sandbox::User=$(id -un)"
)
echo "fetch-source: fetching $name $version ($suite) with apt into $dir" >&2
if ! apt-get "${apt_opts[@]}" -qq update >&2; then
	echo "fetch-source: apt could not read Debian's source indexes (network?)" >&2
	exit 1
fi
work=$(mktemp -d "$apt_dir/get.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only --tar-only "$name=$version" >&2); then
	echo "fetch-source: apt could not fetch $name $version" >&2
	exit 1
fi
if [[ ! -f $work/$tarball ]]; then
	echo "fetch-source: apt fetched no $tarball (got: $(ls "$work"))" >&2
	exit 1
fi
if ! check "$work/$tarball"; then
	echo "fetch-source: $tarball has SHA-256 $(sha256sum "$work/$tarball" | cut -d' ' -f1)," \
		"not the pinned $sha256: refusing it" >&2
	exit 1
fi
mv "$work/$tarball" "$out"
echo "$out"
