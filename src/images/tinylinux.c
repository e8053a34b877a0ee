/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The offline tinylinux guest: a kernel and a busybox initramfs, cached. */
#include "config.h"

#include "images/tinylinux.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "images/kmod.h"
#include "util/fsutil.h"
#include "util/lazy_archive.h"
#include "util/log.h"
#include "util/strutil.h"
#include "util/strv.h"
#include "util/xmalloc.h"

/* Bump when the initramfs contents change: the cache folder name has it. */
#define TINYLINUX_REVISION	6

#define TL_MAX_KERNEL	(256u << 20)	/* largest kernel read into memory */
#define TL_MAX_MODULE	(64u << 20)	/* largest (decompressed) module */
#define TL_MAX_BUSYBOX	(64u << 20)
#define TL_STALE_BUILD	3600		/* seconds before a .build-* is junk */
#define TL_APT_DIR	"/var/cache/apt/archives/"
#define TL_DEB_GLOB	TL_APT_DIR "linux-image-*-amd64_*.deb"
#define TL_DEB_KERNEL	"boot/vmlinuz-"	/* the kernel inside a package */

#define TL_NO_KERNEL \
	"no Linux kernel for tinylinux: run tools/install-deps (downloads " \
	"Debian's linux-image package into /var/cache/apt/archives), or set " \
	"VMDESK_KERNEL to a vmlinuz or linux-image .deb"

/* Sets of architectures, for the drivers below. */
#define TL_ALL		0xfu
#define TL_X86		(1u << VM_ARCH_X86_64)
#define TL_VIRT		(TL_ALL & ~TL_X86)

/*
 * The drivers the guest loads, on the architectures in want; those in
 * required fail the build when absent (a driver built into the kernel,
 * as virtio_pci may be elsewhere, is simply not there to load).
 */
static const struct {
	const char	*name;
	unsigned	 want;
	unsigned	 required;
} tl_wanted[] = {
	{ "virtio_pci", TL_ALL, TL_ALL },
	{ "virtio_mmio", TL_ALL, 0 },
	{ "virtio_blk", TL_ALL, TL_ALL },
	{ "virtio_net", TL_ALL, 0 },
	{ "virtio_balloon", TL_ALL, 0 },
	{ "virtio_console", TL_ALL, 0 },
	{ "crc32c_generic", TL_ALL, 0 },	/* ext4 metadata checksums */
	{ "ext4", TL_ALL, TL_ALL },
	{ "button", TL_ALL, TL_X86 },		/* ACPI power button */
	/* virt's power button: a GPIO key (QMP system_powerdown). */
	{ "gpio_keys", TL_VIRT, 0 },
	{ "evdev", TL_ALL, TL_ALL },		/* so acpid reads the button */
	{ "isofs", TL_ALL, 0 },			/* cloud-init seeds (iso9660) */
	/* The USB tablet: the console view's mouse, seen in the guest. */
	{ "xhci_pci", TL_ALL, 0 },
	{ "usbhid", TL_ALL, 0 },
	{ "hid_generic", TL_ALL, 0 },
	/* virt's screen: a virtio GPU (no VGA there) under the text console. */
	{ "virtio_gpu", TL_VIRT, 0 },
	/* The hardware a VM can be given: disks on every bus, CD-ROMs,
	 * USB sticks, NIC models, shared folders. */
	{ "virtio_scsi", TL_ALL, 0 },
	{ "ahci", TL_ALL, 0 },
	{ "nvme", TL_ALL, 0 },
	{ "sd_mod", TL_ALL, 0 },
	{ "sr_mod", TL_ALL, 0 },
	{ "usb_storage", TL_ALL, 0 },
	{ "vfat", TL_ALL, 0 },
	{ "nls_cp437", TL_ALL, 0 },
	{ "nls_iso8859_1", TL_ALL, 0 },
	{ "nls_ascii", TL_ALL, 0 },		/* vfat's default iocharset */
	{ "e1000", TL_ALL, 0 },
	{ "8139cp", TL_ALL, 0 },
	{ "8139too", TL_ALL, 0 },
	{ "virtiofs", TL_ALL, 0 },
	{ "9pnet_virtio", TL_ALL, 0 },
	{ "9p", TL_ALL, 0 },
};

#define TL_WANTS(i, arch)	(tl_wanted[i].want & (1u << (arch)))
#define TL_NEEDS(i, arch)	(tl_wanted[i].required & (1u << (arch)))

/* Where the kernel comes from. */
enum tl_kind {
	TL_VMLINUZ,
	TL_DEB,
};

struct tl_source {
	enum vm_arch	 arch;		/* the guest's */
	enum tl_kind	 kind;
	char		*path;		/* the vmlinuz or the .deb, absolute */
	char		*version;	/* kernel release */
	char		*moddir;	/* /lib/modules/VERSION, or NULL */
};

struct tl_buf {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
};

/* A module found in the source, and what its .modinfo says. */
struct tl_mod {
	char		*path;		/* file or archive path */
	int		 loaded;	/* info is known */
	struct kmod_info info;		/* info.name always set once loaded */
	struct tl_buf	 data;		/* the .ko, decompressed, if kept */
};

/* Every module seen, and the names the guest needs (wanted + deps). */
struct tl_modset {
	struct tl_mod	*v;
	size_t		 n;
	size_t		 cap;
	struct strv	 need;
};

/* What a pass over a .deb looks for. */
struct tl_debscan {
	const char	*version;
	char		*modprefix;	/* "lib/modules/VERSION/kernel/" */
	struct tl_buf	 kernel;
	char		*found_version;	/* version scan only */
	struct tl_modset *set;
	int		 refill;	/* pass 2: data of needed modules */
};

/* The reader state for an inner archive fed from the outer ar. */
struct tl_deb {
	struct archive	*outer;
	unsigned char	 buf[65536];
};

typedef int (*tl_deb_fn)(void *, struct archive *, const char *, char **);

/* A file of the initramfs. */
struct tl_file {
	const char	*path;
	mode_t		 mode;
	const char	*text;
};

static const char tl_init[] =
	"#!/bin/busybox sh\n"
	"# tinylinux /init: mount, load drivers, set up /data and eth0, then\n"
	"# hand over to busybox init (shells on ttyS0 and tty1).\n"
	"/bin/busybox --install -s\n"
	"export PATH=/sbin:/usr/sbin:/bin:/usr/bin\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sysfs /sys\n"
	"mount -t devtmpfs devtmpfs /dev\n"
	"mkdir -p /dev/pts\n"
	"mount -t devpts devpts /dev/pts\n"
	"mount -t tmpfs -o mode=1777 tmpfs /tmp\n"
	"mount -t tmpfs -o mode=755 tmpfs /run\n"
	"hostname -F /etc/hostname\n"
	"ip link set lo up\n"
	"\n"
	"# Drivers, dependencies first (the order was fixed at build time).\n"
	"while read -r m; do\n"
	"\tinsmod \"/lib/modules/$m.ko\" ||\n"
	"\t    echo \"tinylinux: cannot load $m\"\n"
	"done </lib/modules/load-order\n"
	"\n"
	"# The data disk. Format it only when its first 128 KiB are zeros:\n"
	"# a new disk. Anything else, even unreadable, is left alone.\n"
	"if [ -b /dev/vda ]; then\n"
	"\tif cmp -s -n 131072 /dev/vda /dev/zero; then\n"
	"\t\techo \"tinylinux: formatting the blank data disk /dev/vda\"\n"
	"\t\tmke2fs -q -L data /dev/vda >/dev/null\n"
	"\tfi\n"
	"\tmount -t ext4 /dev/vda /data ||\n"
	"\t    echo \"tinylinux: cannot mount /dev/vda on /data\"\n"
	"fi\n"
	"\n"
	"# The network: QEMU user-mode networking answers DHCP at once.\n"
	"if [ -e /sys/class/net/eth0 ]; then\n"
	"\tip link set eth0 up\n"
	"\tudhcpc -b -q -t 3 -T 1 -i eth0 \\\n"
	"\t    -s /usr/share/udhcpc/default.script >/dev/null 2>&1\n"
	"fi\n"
	"\n"
	"# The ACPI power button (QMP system_powerdown) runs poweroff.\n"
	"if [ -e /dev/input/event0 ]; then\n"
	"\tacpid -l /run/acpid.log -p /run/acpid.pid\n"
	"fi\n"
	"\n"
	"# A clean screen for the shell on the VGA console (the firmware's\n"
	"# messages are still there with quiet).\n"
	"printf '\\033[H\\033[2J' >/dev/tty1 2>/dev/null\n"
	"exec /bin/busybox init\n";

static const char tl_inittab[] =
	"# tinylinux: a root shell on the serial port and on the screen.\n"
	"ttyS0::respawn:-/bin/sh\n"
	"tty1::respawn:-/bin/sh\n"
	"::ctrlaltdel:/sbin/reboot\n"
	"::shutdown:/etc/rc.shutdown\n";

static const char tl_shutdown[] =
	"#!/bin/sh\n"
	"# tinylinux: put /data on disk before init kills everything.\n"
	"sync\n"
	"if grep -q ' /data ' /proc/mounts; then\n"
	"\tumount -r /data\n"
	"fi\n"
	"sync\n";

static const char tl_profile[] =
	"# tinylinux login shells.\n"
	"export PATH=/sbin:/usr/sbin:/bin:/usr/bin\n"
	"export HOME=/root\n"
	"export PS1='\\h:\\w\\$ '\n"
	"# Tests and benchmarks wait for this line, once per boot.\n"
	"if [ \"$(tty)\" = /dev/ttyS0 ] && [ ! -e /run/tinylinux.ready ]\n"
	"then\n"
	"\t: >/run/tinylinux.ready\n"
	"\techo '" TINYLINUX_READY "'\n"
	"fi\n";

static const char tl_dhcp[] =
	"#!/bin/sh\n"
	"# udhcpc hook: apply a lease to $interface ($1 is the event).\n"
	"case \"$1\" in\n"
	"deconfig)\n"
	"\tip -4 addr flush dev \"$interface\"\n"
	"\tip link set \"$interface\" up\n"
	"\t;;\n"
	"bound|renew)\n"
	"\tip -4 addr flush dev \"$interface\"\n"
	"\tip addr add \"$ip/${mask:-24}\" dev \"$interface\"\n"
	"\tfor r in $router; do\n"
	"\t\tip route add default via \"$r\" dev \"$interface\"\n"
	"\t\tbreak\n"
	"\tdone\n"
	"\t: >/etc/resolv.conf\n"
	"\t[ -n \"$domain\" ] && echo \"search $domain\" >>/etc/resolv.conf\n"
	"\tfor d in $dns; do\n"
	"\t\techo \"nameserver $d\" >>/etc/resolv.conf\n"
	"\tdone\n"
	"\t;;\n"
	"esac\n"
	"exit 0\n";

/* busybox acpid maps KEY_POWER to "PWRF" and runs /etc/acpi/<action>. */
static const char tl_acpid_conf[] = "PWRF PWRF/00000080\n";
static const char tl_acpi_power[] =
	"#!/bin/sh\n"
	"# The ACPI power button: shut down cleanly.\n"
	"exec poweroff\n";

static const struct tl_file tl_files[] = {
	{ "init", 0755, tl_init },
	{ "etc/inittab", 0644, tl_inittab },
	{ "etc/rc.shutdown", 0755, tl_shutdown },
	{ "etc/profile", 0644, tl_profile },
	{ "etc/hostname", 0644, "tinylinux\n" },
	{ "etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n" },
	{ "etc/group", 0644, "root:x:0:\n" },
	{ "etc/acpid.conf", 0644, tl_acpid_conf },
	{ "etc/acpi/PWRF/00000080", 0755, tl_acpi_power },
	{ "usr/share/udhcpc/default.script", 0755, tl_dhcp },
};

static const char *const tl_dirs[] = {
	"bin", "sbin", "usr", "usr/bin", "usr/sbin", "usr/share",
	"usr/share/udhcpc", "etc", "etc/acpi", "etc/acpi/PWRF", "lib",
	"lib/modules", "proc", "sys", "dev", "tmp", "data", "mnt", "root",
	"run", "var", "var/log",
};

static void
tl_buf_free(struct tl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Read the current entry's data into b, up to max bytes. */
static int
tl_buf_read(struct archive *a, struct tl_buf *b, size_t max,
    const char *what, char **cause)
{
	la_ssize_t	n;

	b->len = 0;
	for (;;) {
		if (b->cap - b->len < 65536) {
			if (b->cap >= max + (size_t)65536) {
				*cause = xasprintf("%s: larger than %zu MiB",
				    what, max >> 20);
				return (-1);
			}
			b->cap = b->cap == 0 ? 262144 : b->cap * 2;
			b->p = xrealloc(b->p, b->cap);
		}
		n = archive_read_data(a, b->p + b->len, b->cap - b->len);
		if (n < 0) {
			*cause = xasprintf("%s: %s", what,
			    archive_error_string(a));
			return (-1);
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		if (b->len > max) {
			*cause = xasprintf("%s: larger than %zu MiB", what,
			    max >> 20);
			return (-1);
		}
	}
	return (0);
}

/* Decompress a .ko.xz/.ko.zst/.ko.gz with libarchive's raw format. */
static int
tl_decompress(const void *in, size_t len, const char *what,
    struct tl_buf *out, char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	int			 rc = -1;

	if (lazy_archive_load(cause) != 0)
		return (-1);
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, in, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		*cause = xasprintf("%s: %s", what, archive_error_string(a));
	else
		rc = tl_buf_read(a, out, TL_MAX_MODULE, what, cause);
	archive_read_free(a);
	return (rc);
}

/* Whether a kernel release is safe as a file name part. */
static int
tl_version_ok(const char *v)
{
	size_t	i;

	if (v[0] == '\0' || v[0] == '.' || v[0] == '-' || strlen(v) > 64)
		return (0);
	for (i = 0; v[i] != '\0'; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+~-", v[i]) == NULL)
			return (0);
	}
	return (1);
}

/*
 * The release of a bzImage: the setup header ("HdrS" at 0x202) holds at
 * 0x20e the offset, less 0x200, of "6.1.0-56-amd64 (builder) #1 ...".
 */
static char *
tl_bzimage_version(const unsigned char *p, size_t len)
{
	size_t	off, end;
	char	*v;

	if (len < 0x210 || memcmp(p + 0x202, "HdrS", 4) != 0)
		return (NULL);
	if ((p[0x206] | (p[0x207] << 8)) < 0x200)
		return (NULL);
	off = (size_t)(p[0x20e] | (p[0x20f] << 8));
	if (off == 0)
		return (NULL);
	off += 0x200;
	for (end = off; end < len && end - off < 128; end++) {
		if (p[end] == ' ' || p[end] == '\0')
			break;
	}
	if (end >= len || end == off)
		return (NULL);
	v = xstrndup((const char *)p + off, end - off);
	if (!tl_version_ok(v)) {
		free(v);
		return (NULL);
	}
	return (v);
}

/* Read the release from the start of a kernel file. */
static char *
tl_file_version(const char *path)
{
	unsigned char	*buf;
	ssize_t		 n;
	char		*v = NULL;
	int		 fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1)
		return (NULL);
	buf = xmalloc(0x10400);
	n = read(fd, buf, 0x10400);
	if (n > 0)
		v = tl_bzimage_version(buf, (size_t)n);
	free(buf);
	close(fd);
	return (v);
}

static int
tl_is_dir(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
}

static void
tl_source_clear(struct tl_source *src)
{
	free(src->path);
	free(src->version);
	free(src->moddir);
	memset(src, 0, sizeof *src);
}

/* The kernel release a package name stands for: linux-image-VER_... */
static char *
tl_deb_name_version(const char *path)
{
	const char	*base, *slash, *us;
	char		*v;
	size_t		 len;

	base = ((slash = strrchr(path, '/')) != NULL) ? slash + 1 : path;
	if (!str_has_prefix(base, "linux-image-"))
		return (NULL);
	base += strlen("linux-image-");
	if ((us = strchr(base, '_')) == NULL || *base < '0' || *base > '9')
		return (NULL);
	len = (size_t)(us - base);
	if (len > 9 && strncmp(us - 9, "-unsigned", 9) == 0)
		len -= 9;
	v = xstrndup(base, len);
	if (!tl_version_ok(v)) {
		free(v);
		return (NULL);
	}
	return (v);
}

static void
tl_set_moddir(struct tl_source *src)
{
	char	*dir;

	dir = xasprintf("/lib/modules/%s", src->version);
	if (tl_is_dir(dir))
		src->moddir = dir;
	else
		free(dir);
}

static int tl_deb_version(const char *, char **, char **);

/* VMDESK_KERNEL: a vmlinuz (modules from /lib/modules) or a .deb. */
static int
tl_source_env(const char *value, struct tl_source *src, char **cause)
{
	char	magic[8];
	ssize_t	n;
	int	fd;

	src->path = fs_abspath(value);
	if ((fd = open(src->path, O_RDONLY|O_CLOEXEC)) == -1) {
		*cause = xasprintf("VMDESK_KERNEL: %s: %s", src->path,
		    strerror(errno));
		return (-1);
	}
	n = read(fd, magic, sizeof magic);
	close(fd);
	if (n == (ssize_t)sizeof magic && memcmp(magic, "!<arch>\n", 8) == 0) {
		src->kind = TL_DEB;
		if ((src->version = tl_deb_name_version(src->path)) != NULL)
			return (0);
		return (tl_deb_version(src->path, &src->version, cause));
	}
	src->kind = TL_VMLINUZ;
	if ((src->version = tl_file_version(src->path)) == NULL) {
		*cause = xasprintf("VMDESK_KERNEL: %s is neither a Linux "
		    "bzImage kernel nor a linux-image .deb", src->path);
		return (-1);
	}
	tl_set_moddir(src);
	return (0);
}

/* The newest readable /boot/vmlinuz-VERSION with /lib/modules/VERSION. */
static int
tl_source_boot(struct tl_source *src)
{
	glob_t		 g;
	const char	*v, *best = NULL, *bestpath = NULL;
	char		*dir;
	size_t		 i;

	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0)
		return (0);
	for (i = 0; i < g.gl_pathc; i++) {
		v = g.gl_pathv[i] + strlen("/boot/vmlinuz-");
		if (!tl_version_ok(v) || access(g.gl_pathv[i], R_OK) != 0)
			continue;
		dir = xasprintf("/lib/modules/%s", v);
		if (tl_is_dir(dir) &&
		    (best == NULL || strverscmp(v, best) > 0)) {
			best = v;
			bestpath = g.gl_pathv[i];
		}
		free(dir);
	}
	if (best != NULL) {
		src->kind = TL_VMLINUZ;
		src->path = xstrdup(bestpath);
		src->version = xstrdup(best);
		src->moddir = xasprintf("/lib/modules/%s", best);
	}
	globfree(&g);
	return (best != NULL);
}

/* The newest linux-image package matching pattern in apt's cache. */
static int
tl_source_apt(struct tl_source *src, const char *pattern)
{
	glob_t		 g;
	char		*v, *best = NULL;
	const char	*bestpath = NULL;
	size_t		 i;
	int		 c;

	if (glob(pattern, 0, NULL, &g) != 0)
		return (0);
	for (i = 0; i < g.gl_pathc; i++) {
		if (access(g.gl_pathv[i], R_OK) != 0 ||
		    (v = tl_deb_name_version(g.gl_pathv[i])) == NULL)
			continue;
		c = (best == NULL) ? 1 : strverscmp(v, best);
		if (c > 0 || (c == 0 && strverscmp(g.gl_pathv[i],
		    bestpath) > 0)) {
			free(best);
			best = v;
			bestpath = g.gl_pathv[i];
		} else
			free(v);
	}
	if (best != NULL) {
		src->kind = TL_DEB;
		src->path = xstrdup(bestpath);
		src->version = best;
	}
	globfree(&g);
	return (best != NULL);
}

/*
 * Another architecture's kernel: only from Debian's package of that
 * architecture (the host's /boot is of its own), as tools/install-deps
 * downloads it.
 */
static int
tl_source_foreign(struct tl_source *src, char **cause)
{
	const struct vmarch	*a = vmarch_get(src->arch);
	char			*pattern;
	int			 found;

	pattern = xasprintf(TL_APT_DIR "linux-image-*-%s_*_%s.deb",
	    a->flavour, a->debian);
	found = tl_source_apt(src, pattern);
	free(pattern);
	if (found)
		return (0);
	*cause = xasprintf("no %s kernel for tinylinux: Debian's "
	    "linux-image-*-%s package (architecture %s) is not in %s: run "
	    "tools/install-deps (dpkg --add-architecture %s, then apt-get "
	    "download linux-image-%s:%s busybox-static:%s)%s", a->name,
	    a->flavour, a->debian, TL_APT_DIR, a->debian, a->flavour,
	    a->debian, a->debian, src->arch == VM_ARCH_RISCV64 ? "; Debian "
	    "12 has no riscv64 packages (Debian 13 and later do)" : "");
	return (-1);
}

static int
tl_source_find(struct tl_source *src, enum vm_arch arch, char **cause)
{
	const char	*env;

	memset(src, 0, sizeof *src);
	src->arch = arch;
	if (arch != VM_ARCH_X86_64) {
		if (tl_source_foreign(src, cause) == 0)
			return (0);
		tl_source_clear(src);
		return (-1);
	}
	if ((env = getenv("VMDESK_KERNEL")) != NULL && *env != '\0') {
		if (tl_source_env(env, src, cause) != 0) {
			tl_source_clear(src);
			return (-1);
		}
		return (0);
	}
	if (tl_source_boot(src) || tl_source_apt(src, TL_DEB_GLOB))
		return (0);
	*cause = xstrdup(TL_NO_KERNEL);
	return (-1);
}

static la_ssize_t
tl_deb_read(struct archive *a, void *arg, const void **bufp)
{
	struct tl_deb	*d = arg;
	la_ssize_t	 n;

	n = archive_read_data(d->outer, d->buf, sizeof d->buf);
	if (n < 0) {
		archive_set_error(a, EIO, "%s",
		    archive_error_string(d->outer));
		return (-1);
	}
	*bufp = d->buf;
	return (n);
}

/*
 * Call fn for each regular file of a .deb's data.tar.* (names without
 * "./" or "usr/" before lib/modules), streaming: the ar member feeds the
 * tar reader through a callback. fn returns -1 (error), 0 or 1 (stop).
 */
static int
tl_deb_walk(const char *deb, tl_deb_fn fn, void *arg, char **cause)
{
	struct tl_deb		*d;
	struct archive		*in = NULL;
	struct archive_entry	*e;
	const char		*name;
	int			 r, rc = -1;

	if (lazy_archive_load(cause) != 0)
		return (-1);
	d = xcalloc(1, sizeof *d);
	d->outer = archive_read_new();
	archive_read_support_format_ar(d->outer);
	if (archive_read_open_filename(d->outer, deb, 65536) != ARCHIVE_OK) {
		*cause = xasprintf("%s: %s", deb,
		    archive_error_string(d->outer));
		goto out;
	}
	while ((r = archive_read_next_header(d->outer, &e)) == ARCHIVE_OK) {
		name = archive_entry_pathname(e);
		if (name != NULL && str_has_prefix(name, "data.tar"))
			break;
	}
	if (r != ARCHIVE_OK) {
		*cause = xasprintf("%s: not a Debian package (no data.tar "
		    "member)", deb);
		goto out;
	}
	in = archive_read_new();
	archive_read_support_format_tar(in);
	archive_read_support_filter_all(in);
	if (archive_read_open(in, d, NULL, tl_deb_read, NULL) != ARCHIVE_OK) {
		*cause = xasprintf("%s: %s", deb, archive_error_string(in));
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			*cause = xasprintf("%s: %s", deb,
			    archive_error_string(in));
			goto out;
		}
		if (archive_entry_filetype(e) != AE_IFREG ||
		    (name = archive_entry_pathname(e)) == NULL)
			continue;
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (str_has_prefix(name, "usr/lib/modules/"))
			name += 4;
		if ((r = fn(arg, in, name, cause)) < 0)
			goto out;
		if (r > 0)
			break;
	}
	rc = 0;
out:
	if (in != NULL)
		archive_read_free(in);
	archive_read_free(d->outer);
	free(d);
	return (rc);
}

static int
tl_deb_version_fn(void *arg, struct archive *a, const char *name,
    char **cause)
{
	struct tl_debscan	*scan = arg;
	const char		*v;

	if (!str_has_prefix(name, TL_DEB_KERNEL))
		return (0);
	v = name + strlen(TL_DEB_KERNEL);
	if (tl_version_ok(v))
		scan->found_version = xstrdup(v);
	return (1);
}

/* The kernel release inside a .deb not named linux-image-VERSION_*. */
static int
tl_deb_version(const char *deb, char **version, char **cause)
{
	struct tl_debscan	scan;

	memset(&scan, 0, sizeof scan);
	if (tl_deb_walk(deb, tl_deb_version_fn, &scan, cause) != 0)
		return (-1);
	if (scan.found_version == NULL) {
		*cause = xasprintf("%s: no boot/vmlinuz-VERSION inside: not "
		    "a linux-image package", deb);
		return (-1);
	}
	*version = scan.found_version;
	return (0);
}

static struct tl_mod *
tl_modset_find(struct tl_modset *set, const char *name)
{
	size_t	i;

	for (i = 0; i < set->n; i++) {
		if (set->v[i].info.name != NULL &&
		    strcmp(set->v[i].info.name, name) == 0)
			return (&set->v[i]);
	}
	return (NULL);
}

static struct tl_mod *
tl_modset_add(struct tl_modset *set, const char *path, const char *name)
{
	struct tl_mod	*m;

	if (set->n == set->cap) {
		set->cap = set->cap == 0 ? 64 : set->cap * 2;
		set->v = xreallocarray(set->v, set->cap, sizeof *set->v);
	}
	m = &set->v[set->n++];
	memset(m, 0, sizeof *m);
	m->path = xstrdup(path);
	kmod_info_init(&m->info);
	m->info.name = xstrdup(name);
	return (m);
}

static void
tl_modset_clear(struct tl_modset *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++) {
		free(set->v[i].path);
		kmod_info_clear(&set->v[i].info);
		tl_buf_free(&set->v[i].data);
	}
	free(set->v);
	strv_clear(&set->need);
	memset(set, 0, sizeof *set);
}

/* Add a name to the needed set, with what it needs as far as is known. */
static void
tl_modset_need(struct tl_modset *set, const char *name)
{
	struct tl_mod	*m;
	size_t		 i;

	if (strv_find(&set->need, name) != -1)
		return;
	strv_push(&set->need, name);
	if ((m = tl_modset_find(set, name)) == NULL || !m->loaded)
		return;
	for (i = 0; i < m->info.depends.n; i++)
		tl_modset_need(set, m->info.depends.v[i]);
}

/* Whether every needed module has been seen. */
static int
tl_modset_complete(struct tl_modset *set)
{
	struct tl_mod	*m;
	size_t		 i;

	for (i = 0; i < set->need.n; i++) {
		m = tl_modset_find(set, set->need.v[i]);
		if (m == NULL || !m->loaded)
			return (0);
	}
	return (1);
}

/* Parse a module's .modinfo (decompressing first when needed). */
static int
tl_mod_load(struct tl_mod *m, struct tl_buf *raw, char **cause)
{
	struct kmod_info	 ki;
	char			*name;

	if (!str_has_suffix(m->path, ".ko")) {
		if (tl_decompress(raw->p, raw->len, m->path, &m->data,
		    cause) != 0)
			return (-1);
		tl_buf_free(raw);
	} else {
		m->data = *raw;
		memset(raw, 0, sizeof *raw);
	}
	if (kmod_info_parse(m->data.p, m->data.len, &ki, cause) != 0) {
		name = *cause;
		*cause = xasprintf("%s: %s", m->path, name);
		free(name);
		return (-1);
	}
	if (ki.name != NULL && strcmp(ki.name, m->info.name) != 0)
		log_debug("tinylinux: %s calls itself %s", m->path, ki.name);
	free(ki.name);
	ki.name = m->info.name;
	m->info = ki;
	m->loaded = 1;
	return (0);
}

/* Read the current entry into m->data, decompressing when needed. */
static int
tl_deb_fetch(struct archive *a, const char *name, struct tl_mod *m,
    char **cause)
{
	struct tl_buf	raw = { NULL, 0, 0 };
	int		rc = 0;

	if (tl_buf_read(a, &raw, TL_MAX_MODULE, name, cause) != 0)
		rc = -1;
	else if (str_has_suffix(name, ".ko")) {
		m->data = raw;
		memset(&raw, 0, sizeof raw);
	} else
		rc = tl_decompress(raw.p, raw.len, name, &m->data, cause);
	tl_buf_free(&raw);
	return (rc);
}

/* Second pass: fetch the needed modules seen before they were needed. */
static int
tl_deb_refill(struct tl_modset *set, struct archive *a, const char *name,
    const char *mname, char **cause)
{
	struct tl_mod	*m;
	size_t		 i;

	m = tl_modset_find(set, mname);
	if (m == NULL || m->data.p != NULL || strcmp(m->path, name) != 0 ||
	    strv_find(&set->need, mname) == -1)
		return (0);
	if (tl_deb_fetch(a, name, m, cause) != 0)
		return (-1);
	for (i = 0; i < set->need.n; i++) {
		m = tl_modset_find(set, set->need.v[i]);
		if (m != NULL && m->loaded && m->data.p == NULL)
			return (0);
	}
	return (1);
}

static int
tl_deb_scan_fn(void *arg, struct archive *a, const char *name, char **cause)
{
	struct tl_debscan	*scan = arg;
	struct tl_modset	*set = scan->set;
	struct tl_mod		*m;
	struct tl_buf		 raw;
	char			*mname;
	size_t			 i;
	int			 r;

	if (!scan->refill && str_has_prefix(name, TL_DEB_KERNEL)) {
		if (strcmp(name + strlen(TL_DEB_KERNEL), scan->version) != 0) {
			*cause = xasprintf("it holds %s, not a kernel %s",
			    name, scan->version);
			return (-1);
		}
		return (tl_buf_read(a, &scan->kernel, TL_MAX_KERNEL, name,
		    cause));
	}
	if (!str_has_prefix(name, scan->modprefix) ||
	    (mname = kmod_name_from_path(name)) == NULL)
		return (0);
	if (scan->refill) {
		r = tl_deb_refill(set, a, name, mname, cause);
		free(mname);
		return (r);
	}
	if (tl_modset_find(set, mname) != NULL) {
		free(mname);
		return (0);
	}
	m = tl_modset_add(set, name, mname);
	free(mname);

	/* Every module is read: its .modinfo says what it needs. */
	memset(&raw, 0, sizeof raw);
	if (tl_buf_read(a, &raw, TL_MAX_MODULE, name, cause) != 0) {
		tl_buf_free(&raw);
		return (-1);
	}
	if (tl_mod_load(m, &raw, cause) != 0) {
		/* A module we cannot read is as good as absent. */
		log_debug("tinylinux: skipping %s", *cause);
		free(*cause);
		*cause = NULL;
		tl_buf_free(&raw);
		tl_buf_free(&m->data);
		return (0);
	}
	if (strv_find(&set->need, m->info.name) == -1) {
		tl_buf_free(&m->data);
		return (0);
	}
	for (i = 0; i < m->info.depends.n; i++)
		tl_modset_need(set, m->info.depends.v[i]);
	return (scan->kernel.p != NULL && tl_modset_complete(set));
}

/*
 * Take the kernel and the needed modules out of a .deb. One pass reads
 * every module's .modinfo and keeps the needed ones; a module met before
 * anything needed it (net_failover comes before virtio_net) is fetched by a
 * second pass, which stops as soon as it has everything.
 */
static int
tl_gather_deb(const struct tl_source *src, struct tl_buf *kernel,
    struct tl_modset *set, char **cause)
{
	struct tl_debscan	 scan;
	struct tl_mod		*m;
	char			*why;
	size_t			 i;
	int			 rc = -1, missing = 0;

	memset(&scan, 0, sizeof scan);
	scan.version = src->version;
	scan.modprefix = xasprintf("lib/modules/%s/kernel/", src->version);
	scan.set = set;
	if (tl_deb_walk(src->path, tl_deb_scan_fn, &scan, cause) != 0)
		goto out;
	if (scan.kernel.p == NULL) {
		*cause = xasprintf("%s: no boot/vmlinuz-%s inside", src->path,
		    src->version);
		goto out;
	}
	for (i = 0; i < set->need.n; i++) {
		m = tl_modset_find(set, set->need.v[i]);
		if (m != NULL && m->loaded && m->data.p == NULL)
			missing++;
	}
	if (missing > 0) {
		log_debug("tinylinux: second pass over %s for %d modules",
		    src->path, missing);
		scan.refill = 1;
		if (tl_deb_walk(src->path, tl_deb_scan_fn, &scan, cause) != 0)
			goto out;
	}
	*kernel = scan.kernel;
	memset(&scan.kernel, 0, sizeof scan.kernel);
	rc = 0;
out:
	if (rc != 0 && *cause != NULL && !str_has_prefix(*cause, src->path)) {
		why = *cause;
		*cause = xasprintf("%s: %s", src->path, why);
		free(why);
	}
	tl_buf_free(&scan.kernel);
	free(scan.modprefix);
	return (rc);
}

/* List every module file under dir (by name; read later when needed). */
static void
tl_list_dir(struct tl_modset *set, const char *dir, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*path, *name;

	if (depth > 16 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = fs_path_join(dir, de->d_name);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			tl_list_dir(set, path, depth + 1);
		else if (S_ISREG(sb.st_mode) &&
		    (name = kmod_name_from_path(de->d_name)) != NULL) {
			if (tl_modset_find(set, name) == NULL)
				tl_modset_add(set, path, name);
			free(name);
		}
		free(path);
	}
	closedir(d);
}

/* Modules from an installed tree: list, then read only what is needed. */
static void
tl_gather_dir(const struct tl_source *src, struct tl_modset *set)
{
	struct tl_mod	*m;
	struct tl_buf	 raw;
	char		*dir, *cause = NULL, *data;
	size_t		 i, j, len;

	dir = fs_path_join(src->moddir, "kernel");
	tl_list_dir(set, dir, 0);
	free(dir);
	for (i = 0; i < set->need.n; i++) {
		m = tl_modset_find(set, set->need.v[i]);
		if (m == NULL || m->loaded)
			continue;
		if ((data = fs_read_file(m->path, &len, &cause)) == NULL) {
			log_debug("tinylinux: %s", cause);
			free(cause);
			continue;
		}
		raw.p = (unsigned char *)data;
		raw.len = raw.cap = len;
		if (tl_mod_load(m, &raw, &cause) != 0) {
			log_debug("tinylinux: skipping %s", cause);
			free(cause);
			tl_buf_free(&raw);
			tl_buf_free(&m->data);
			continue;
		}
		for (j = 0; j < m->info.depends.n; j++)
			tl_modset_need(set, m->info.depends.v[j]);
	}
}

/*
 * Decide the load order: every required module with its dependencies, and
 * the optional ones whose dependencies are all there.
 */
static int
tl_order(const struct tl_source *src, struct tl_modset *set,
    struct tl_mod ***outp, size_t *np, char **cause)
{
	struct kmod_info	*infos;
	struct tl_mod		**idx, **out = NULL;
	const char		**names, *one[1];
	size_t			*order = NULL, n = 0, norder, nnames = 0, i;
	const char		*sp;
	char			*why;
	int			 rc = -1;

	infos = xcalloc(set->n + 1, sizeof *infos);
	idx = xcalloc(set->n + 1, sizeof *idx);
	for (i = 0; i < set->n; i++) {
		if (!set->v[i].loaded || set->v[i].data.p == NULL ||
		    strv_find(&set->need, set->v[i].info.name) == -1)
			continue;
		infos[n] = set->v[i].info;
		idx[n++] = &set->v[i];
	}
	names = xcalloc(sizeof tl_wanted / sizeof tl_wanted[0], sizeof *names);
	for (i = 0; i < sizeof tl_wanted / sizeof tl_wanted[0]; i++) {
		if (!TL_WANTS(i, src->arch))
			continue;
		one[0] = tl_wanted[i].name;
		if (kmod_order(infos, n, one, 1, &order, &norder, &why) == 0) {
			free(order);
			names[nnames++] = tl_wanted[i].name;
			continue;
		}
		if (TL_NEEDS(i, src->arch)) {
			*cause = xasprintf("%s: cannot use the kernel module "
			    "%s: %s", src->path, tl_wanted[i].name, why);
			free(why);
			goto out;
		}
		log_debug("tinylinux: leaving out %s: %s", tl_wanted[i].name,
		    why);
		free(why);
	}
	if (kmod_order(infos, n, names, nnames, &order, &norder, cause) != 0)
		goto out;
	out = xcalloc(norder + 1, sizeof *out);
	for (i = 0; i < norder; i++) {
		out[i] = idx[order[i]];
		/* vermagic starts with the release the module was built for. */
		sp = out[i]->info.vermagic;
		if (sp != NULL && (!str_has_prefix(sp, src->version) ||
		    (sp[strlen(src->version)] != ' ' &&
		    sp[strlen(src->version)] != '\0'))) {
			*cause = xasprintf("%s: module %s is for another "
			    "kernel (%s), not %s", src->path,
			    out[i]->info.name, sp, src->version);
			free(out);
			out = NULL;
			goto out;
		}
	}
	*outp = out;
	*np = norder;
	rc = 0;
out:
	free(order);
	free(names);
	free(idx);
	free(infos);
	return (rc);
}

/* A little-endian ELF field of n bytes at off. */
static uint64_t
tl_elf_get(const unsigned char *p, size_t off, int n)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return (v);
}

/*
 * Whether an ELF file is a static program (no PT_INTERP) of the guest's
 * architecture: its class (32- or 64-bit, where the header's fields sit)
 * and machine as the architecture's row says.
 */
static int
tl_check_busybox(const char *path, enum vm_arch arch, const unsigned char *p,
    size_t len, char **cause)
{
	const struct vmarch	*a = vmarch_get(arch);
	uint64_t		 phoff, phentsize, phnum, i;
	int			 wide = a->elf_class == 2;

	if (len < 64 || memcmp(p, "\177ELF", 4) != 0 ||
	    p[4] != a->elf_class || p[5] != 1) {
		*cause = xasprintf("%s is not a %d-bit little-endian ELF "
		    "program: install busybox-static", path, wide ? 64 : 32);
		return (-1);
	}
	if (tl_elf_get(p, 16, 2) != 2 && tl_elf_get(p, 16, 2) != 3) {
		*cause = xasprintf("%s is not an ELF program: install "
		    "busybox-static", path);
		return (-1);
	}
	if (tl_elf_get(p, 18, 2) != (uint64_t)a->elf_machine) {
		*cause = xasprintf("%s is not an %s program: the guest "
		    "cannot run it", path, a->name);
		return (-1);
	}
	phoff = tl_elf_get(p, wide ? 32 : 28, wide ? 8 : 4);
	phentsize = tl_elf_get(p, wide ? 54 : 42, 2);
	phnum = tl_elf_get(p, wide ? 56 : 44, 2);
	if (phentsize < (wide ? 56u : 32u) || phoff > len ||
	    phnum > (len - phoff) / phentsize) {
		*cause = xasprintf("%s: bad ELF program headers", path);
		return (-1);
	}
	for (i = 0; i < phnum; i++) {
		if (tl_elf_get(p, phoff + i * phentsize, 4) == 3) {
			*cause = xasprintf("%s is dynamically linked but the "
			    "guest has no libraries: install busybox-static",
			    path);
			return (-1);
		}
	}
	return (0);
}

static int
tl_busybox_deb_fn(void *arg, struct archive *a, const char *name,
    char **cause)
{
	if (strcmp(name, "bin/busybox") != 0)
		return (0);
	if (tl_buf_read(a, arg, TL_MAX_BUSYBOX, name, cause) != 0)
		return (-1);
	return (1);
}

/* The newest busybox-static package of an architecture in apt's cache. */
static char *
tl_busybox_deb_find(const struct vmarch *a, char **cause)
{
	glob_t	 g;
	char	*pattern, *best = NULL;
	size_t	 i;

	pattern = xasprintf(TL_APT_DIR "busybox-static_*_%s.deb", a->debian);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			if (best == NULL || strverscmp(g.gl_pathv[i],
			    best) > 0) {
				free(best);
				best = xstrdup(g.gl_pathv[i]);
			}
		}
		globfree(&g);
	}
	if (best == NULL)
		*cause = xasprintf("no %s busybox for tinylinux: %s is not "
		    "there (run tools/install-deps, or apt-get download "
		    "busybox-static:%s in %s)", a->name, pattern, a->debian,
		    TL_APT_DIR);
	free(pattern);
	return (best);
}

/* Another architecture's static busybox, out of Debian's package. */
static char *
tl_busybox_deb(enum vm_arch arch, size_t *lenp, char **cause)
{
	struct tl_buf	 b = { NULL, 0, 0 };
	char		*deb;

	if ((deb = tl_busybox_deb_find(vmarch_get(arch), cause)) == NULL)
		return (NULL);
	if (tl_deb_walk(deb, tl_busybox_deb_fn, &b, cause) != 0)
		goto fail;
	if (b.p == NULL) {
		*cause = xasprintf("%s: no bin/busybox inside", deb);
		goto fail;
	}
	if (tl_check_busybox(deb, arch, b.p, b.len, cause) != 0)
		goto fail;
	free(deb);
	*lenp = b.len;
	return ((char *)b.p);
fail:
	tl_buf_free(&b);
	free(deb);
	return (NULL);
}

/* VMDESK_BUSYBOX, else /bin/busybox or /usr/bin/busybox; static. */
static char *
tl_busybox(enum vm_arch arch, size_t *lenp, char **cause)
{
	static const char	*paths[] = {
		"/bin/busybox", "/usr/bin/busybox"
	};
	const char		*path = NULL, *env;
	char			*data;
	size_t			 i;

	if (arch != VM_ARCH_X86_64)
		return (tl_busybox_deb(arch, lenp, cause));
	if ((env = getenv("VMDESK_BUSYBOX")) != NULL && *env != '\0') {
		if (access(env, R_OK) != 0) {
			*cause = xasprintf("VMDESK_BUSYBOX: %s: %s", env,
			    strerror(errno));
			return (NULL);
		}
		path = env;
	}
	for (i = 0; path == NULL && i < sizeof paths / sizeof paths[0]; i++) {
		if (access(paths[i], R_OK) == 0)
			path = paths[i];
	}
	if (path == NULL) {
		*cause = xstrdup("no busybox for tinylinux: install "
		    "busybox-static, or set VMDESK_BUSYBOX to a static "
		    "busybox");
		return (NULL);
	}
	if (fs_file_size(path) > (long long)TL_MAX_BUSYBOX) {
		*cause = xasprintf("%s is too big to be busybox", path);
		return (NULL);
	}
	if ((data = fs_read_file(path, lenp, cause)) == NULL)
		return (NULL);
	if (tl_check_busybox(path, arch, (unsigned char *)data, *lenp,
	    cause) != 0) {
		free(data);
		return (NULL);
	}
	return (data);
}

static int
tl_write_fd(int fd, const void *data, size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Write a new read-only file, durably. */
static int
tl_write_file(const char *path, const void *data, size_t len, char **cause)
{
	int	fd;

	fd = open(path, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (tl_write_fd(fd, data, len) != 0 || fsync(fd) != 0 ||
	    fchmod(fd, 0444) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (close(fd) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

/* Add one entry to the cpio archive. */
static int
tl_cpio_add(struct archive *a, const char *path, mode_t type, mode_t perm,
    const void *data, size_t len, unsigned int *ino)
{
	struct archive_entry	*e;
	int			 r = 0;

	e = archive_entry_new();
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_ino(e, ++*ino);
	archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
	archive_entry_set_mtime(e, 0, 0);
	if (type == AE_IFCHR) {
		archive_entry_set_rdevmajor(e, 5);
		archive_entry_set_rdevminor(e, 1);
	}
	archive_entry_set_size(e, type == AE_IFREG || type == AE_IFLNK ?
	    (la_int64_t)len : 0);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, data);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		r = -1;
	else if (type == AE_IFREG && len > 0 &&
	    archive_write_data(a, data, len) != (la_ssize_t)len)
		r = -1;
	archive_entry_free(e);
	return (r);
}

/* Write the initramfs: a gzip-compressed newc cpio archive. */
/*
 * A file's text for the guest's architecture: the shell and the ready
 * line are on its serial console, ttyS0 on x86 (the texts' own word).
 * Caller frees.
 */
static char *
tl_file_text(const char *text, enum vm_arch arch)
{
	const char	*console = vmarch_get(arch)->console, *p;
	struct strv	 parts;
	char		*out;

	strv_init(&parts);
	while ((p = strstr(text, "ttyS0")) != NULL) {
		strv_pushf(&parts, "%.*s%s", (int)(p - text), text, console);
		text = p + strlen("ttyS0");
	}
	strv_push(&parts, text);
	out = strv_join(&parts, "");
	strv_clear(&parts);
	return (out);
}

static int
tl_write_initrd(const char *path, enum vm_arch arch, const void *busybox,
    size_t bblen, struct tl_mod **mods, size_t nmods, char **cause)
{
	struct archive	*a;
	struct strv	 order;
	char		*list, *name, *text;
	unsigned int	 ino = 0;
	size_t		 i;
	int		 fd, r, rc = -1;

	if (lazy_archive_load(cause) != 0)
		return (-1);
	fd = open(path, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	a = archive_write_new();
	archive_write_set_format_cpio_newc(a);
	archive_write_add_filter_gzip(a);
	archive_write_set_bytes_in_last_block(a, 1);
	strv_init(&order);
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK)
		goto fail;
	for (i = 0; i < sizeof tl_dirs / sizeof tl_dirs[0]; i++) {
		if (tl_cpio_add(a, tl_dirs[i], AE_IFDIR,
		    strcmp(tl_dirs[i], "tmp") == 0 ? 01777 : 0755, NULL, 0,
		    &ino) != 0)
			goto fail;
	}
	if (tl_cpio_add(a, "var/run", AE_IFLNK, 0777, "../run", 6, &ino) != 0)
		goto fail;
	if (tl_cpio_add(a, "dev/console", AE_IFCHR, 0600, NULL, 0, &ino) != 0)
		goto fail;
	if (tl_cpio_add(a, "bin/busybox", AE_IFREG, 0755, busybox, bblen,
	    &ino) != 0)
		goto fail;
	for (i = 0; i < sizeof tl_files / sizeof tl_files[0]; i++) {
		text = tl_file_text(tl_files[i].text, arch);
		r = tl_cpio_add(a, tl_files[i].path, AE_IFREG,
		    tl_files[i].mode, text, strlen(text), &ino);
		free(text);
		if (r != 0)
			goto fail;
	}
	for (i = 0; i < nmods; i++) {
		name = xasprintf("lib/modules/%s.ko", mods[i]->info.name);
		if (tl_cpio_add(a, name, AE_IFREG, 0644, mods[i]->data.p,
		    mods[i]->data.len, &ino) != 0) {
			free(name);
			goto fail;
		}
		free(name);
		strv_push(&order, mods[i]->info.name);
	}
	name = strv_join(&order, "\n");
	list = xasprintf("%s%s", name, nmods > 0 ? "\n" : "");
	free(name);
	if (tl_cpio_add(a, "lib/modules/load-order", AE_IFREG, 0644, list,
	    strlen(list), &ino) != 0) {
		free(list);
		goto fail;
	}
	free(list);
	if (archive_write_close(a) != ARCHIVE_OK)
		goto fail;
	if (fsync(fd) != 0 || fchmod(fd, 0444) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
fail:
	*cause = xasprintf("%s: %s", path, archive_error_string(a) != NULL ?
	    archive_error_string(a) : "cannot write");
out:
	archive_write_free(a);
	strv_clear(&order);
	if (close(fd) != 0 && rc == 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	return (rc);
}

/* Remove build folders left behind by builders that died. */
static void
tl_remove_stale(const char *top)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*path, *cause = NULL;

	if ((d = opendir(top)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!str_has_prefix(de->d_name, ".build-"))
			continue;
		path = fs_path_join(top, de->d_name);
		if (lstat(path, &sb) == 0 &&
		    sb.st_mtime + TL_STALE_BUILD < time(NULL) &&
		    fs_rm_rf(path, &cause) != 0) {
			log_debug("tinylinux: %s", cause);
			free(cause);
			cause = NULL;
		}
		free(path);
	}
	closedir(d);
}

/* Whether a finished cache folder holds both files. */
static int
tl_complete(const char *dir)
{
	struct stat	 sb;
	char		*k, *i;
	int		 ok;

	k = fs_path_join(dir, "vmlinuz");
	i = fs_path_join(dir, "initrd.img");
	ok = stat(k, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    stat(i, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
	free(k);
	free(i);
	return (ok);
}

/* Move a finished build folder into place; a concurrent winner is fine. */
static int
tl_install(const char *tmp, const char *dir, char **cause)
{
	char	*why;

	if (rename(tmp, dir) == 0)
		return (0);
	if (errno != ENOTEMPTY && errno != EEXIST) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (tl_complete(dir)) {
		log_debug("tinylinux: %s was built meanwhile", dir);
		return (0);
	}
	/* Builds are renamed in whole: a partial folder was damaged. */
	log_debug("tinylinux: replacing the incomplete %s", dir);
	if (fs_rm_rf(dir, &why) != 0) {
		*cause = why;
		return (-1);
	}
	if (rename(tmp, dir) == 0 || tl_complete(dir))
		return (0);
	*cause = xasprintf("%s: %s", dir, strerror(errno));
	return (-1);
}

/* Build the kernel and initramfs in a temporary folder, rename it in. */
static int
tl_build(const struct tl_source *src, const char *top, const char *dir,
    char **cause)
{
	struct tl_modset	  set;
	struct tl_buf		  kernel = { NULL, 0, 0 };
	struct tl_mod		**mods = NULL;
	char			 *busybox, *tmp, *path, *data, *why = NULL;
	size_t			  bblen, nmods = 0, len, i;
	int			  rc = -1;

	if ((busybox = tl_busybox(src->arch, &bblen, cause)) == NULL)
		return (-1);
	memset(&set, 0, sizeof set);
	for (i = 0; i < sizeof tl_wanted / sizeof tl_wanted[0]; i++) {
		if (TL_WANTS(i, src->arch))
			tl_modset_need(&set, tl_wanted[i].name);
	}

	if (src->kind == TL_DEB) {
		if (tl_gather_deb(src, &kernel, &set, cause) != 0)
			goto out;
	} else {
		if (fs_file_size(src->path) > (long long)TL_MAX_KERNEL) {
			*cause = xasprintf("%s: too big to be a kernel",
			    src->path);
			goto out;
		}
		if ((data = fs_read_file(src->path, &len, cause)) == NULL)
			goto out;
		kernel.p = (unsigned char *)data;
		kernel.len = kernel.cap = len;
		if (src->moddir != NULL)
			tl_gather_dir(src, &set);
	}
	if ((src->kind == TL_DEB || src->moddir != NULL) &&
	    tl_order(src, &set, &mods, &nmods, cause) != 0)
		goto out;

	tl_remove_stale(top);
	tmp = xasprintf("%s/.build-%s-r%d-XXXXXX", top, src->version,
	    TINYLINUX_REVISION);
	if (mkdtemp(tmp) == NULL) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		goto out;
	}
	path = fs_path_join(tmp, "vmlinuz");
	rc = tl_write_file(path, kernel.p, kernel.len, cause);
	free(path);
	if (rc == 0) {
		path = fs_path_join(tmp, "initrd.img");
		rc = tl_write_initrd(path, src->arch, busybox, bblen, mods,
		    nmods, cause);
		free(path);
	}
	if (rc == 0 && chmod(tmp, 0755) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		rc = fs_sync_dir(tmp, cause);
	if (rc == 0)
		rc = tl_install(tmp, dir, cause);
	if (rc == 0)
		rc = fs_sync_dir(top, cause);
	if (fs_exists(tmp) && fs_rm_rf(tmp, &why) != 0) {
		log_debug("tinylinux: %s", why);
		free(why);
	}
	free(tmp);
out:
	free(mods);
	tl_buf_free(&kernel);
	tl_modset_clear(&set);
	free(busybox);
	return (rc);
}

char *
tinylinux_cmdline(enum vm_arch arch)
{
	return (xasprintf("quiet console=tty0 console=%s",
	    vmarch_get(arch)->console));
}

int
tinylinux_prepare(const char *images_dir, enum vm_arch arch,
    struct tinylinux *tl, char **cause)
{
	struct tl_source	 src;
	char			*abs, *top, *name, *dir;
	int			 rc = -1;

	memset(tl, 0, sizeof *tl);
	if (tl_source_find(&src, arch, cause) != 0)
		return (-1);
	abs = fs_abspath(images_dir);
	top = fs_path_join(abs, "tinylinux");
	name = xasprintf("%s-r%d", src.version, TINYLINUX_REVISION);
	dir = fs_path_join(top, name);
	if (!tl_complete(dir)) {
		log_debug("tinylinux: building %s from %s", dir, src.path);
		if (fs_mkdir_p(top, 0755, cause) != 0 ||
		    tl_build(&src, top, dir, cause) != 0)
			goto out;
	}
	tl->kernel = fs_path_join(dir, "vmlinuz");
	tl->initrd = fs_path_join(dir, "initrd.img");
	tl->version = xstrdup(src.version);
	tl->source = xstrdup(src.path);
	rc = 0;
out:
	free(dir);
	free(name);
	free(top);
	free(abs);
	tl_source_clear(&src);
	return (rc);
}

void
tinylinux_clear(struct tinylinux *tl)
{
	free(tl->kernel);
	free(tl->initrd);
	free(tl->version);
	free(tl->source);
	memset(tl, 0, sizeof *tl);
}
