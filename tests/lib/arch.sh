# SPDX-License-Identifier: GPL-2.0-or-later
# Guests of other architectures: whether this machine can boot one.
# Source after common.sh. Each architecture's tinylinux is built once per
# build tree (in $IMAGE_CACHE, like the x86 one) from Debian's packages of
# that architecture, which tools/install-deps downloads into apt's cache.

# need_arch ARCH: skip (77) when the emulator or Debian's kernel and
# busybox of ARCH are missing; on CI that is an error (99), except for
# riscv64, which Debian 12's archive does not carry.
need_arch() {
	case "$1" in
	aarch64) emu=qemu-system-aarch64 deb=arm64 flavour=arm64 ;;
	armhf) emu=qemu-system-arm deb=armhf flavour=armmp-lpae ;;
	riscv64) emu=qemu-system-riscv64 deb=riscv64 flavour=riscv64 ;;
	*) fail "need_arch: unknown architecture $1" ;;
	esac
	apt=/var/cache/apt/archives
	why=
	if ! command -v "$emu" >/dev/null 2>&1; then
		why="no $emu (tools/install-deps installs it)"
	elif ls "$IMAGE_CACHE"/tinylinux/*-"$flavour"-r*/vmlinuz \
	    >/dev/null 2>&1; then
		return 0
	elif ! ls "$apt"/linux-image-*-"$flavour"_*_"$deb".deb \
	    >/dev/null 2>&1 || ! ls "$apt"/busybox-static_*_"$deb".deb \
	    >/dev/null 2>&1; then
		why="no $deb linux-image and busybox-static packages in $apt"
		why="$why (tools/install-deps downloads them)"
		[ "$1" = riscv64 ] && why="$why; Debian 12's archive has no \
riscv64 kernel or busybox (Debian 13 has): the golden argv tests cover it"
	fi
	[ -z "$why" ] && return 0
	if [ "${CI:-}" = true ] && [ "$1" != riscv64 ]; then
		echo "ERROR: $TEST_NAME: $why" >&2
		exit 99
	fi
	echo "SKIP: $TEST_NAME: $why" >&2
	exit 77
}
