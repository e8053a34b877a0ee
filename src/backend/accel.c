/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The accelerator: KVM when it really runs guests, else TCG. */
#include "config.h"

#include "backend/accel.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

extern char **environ;

#define ACCEL_PROBE_TIMEOUT	5000
#define ACCEL_BIOS_SIZE		65536
/* isa-debug-exit turns a write of v into exit status (v << 1) | 1. */
#define ACCEL_EXIT_PORT		0xf4
#define ACCEL_EXIT_VALUE	0x42
#define ACCEL_EXIT_STATUS	((ACCEL_EXIT_VALUE << 1) | 1)

const char *
accel_name(enum accel a)
{
	return (a == ACCEL_KVM ? "kvm" : "tcg");
}

/*
 * The x86 reset vector is the last 16 bytes of the firmware, run in real
 * mode: mov al, 0x42; out 0xf4, al; hlt; jmp $.
 */
static char *
accel_write_bios(const char *dir, char **cause)
{
	static const unsigned char	 code[] = { 0xb0, ACCEL_EXIT_VALUE,
	    0xe6, ACCEL_EXIT_PORT, 0xf4, 0xeb, 0xfe };
	unsigned char			*bios;
	char				*path;
	int				 rc;

	bios = xcalloc(1, ACCEL_BIOS_SIZE);
	memcpy(bios + ACCEL_BIOS_SIZE - 16, code, sizeof code);
	path = xasprintf("%s/kvm-probe-bios.%ld.bin", dir, (long)getpid());
	rc = fs_write_atomic(path, bios, ACCEL_BIOS_SIZE, 0600, cause);
	free(bios);
	if (rc != 0) {
		free(path);
		return (NULL);
	}
	return (path);
}

/* Wait for pid up to timeout_ms; kill it after. Its status, or -1. */
static int
accel_wait(pid_t pid, int timeout_ms)
{
	uint64_t	end = time_mono_ms() + (uint64_t)timeout_ms;
	int		status;
	pid_t		r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return (status);
		if (r == -1 && errno != EINTR)
			return (-1);
		if (time_mono_ms() >= end)
			break;
		time_sleep_ms(10);
	}
	/* Seen on CI hosts: a KVM guest that never runs. */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return (-1);
}

/* The first line QEMU wrote to stderr, or a stand-in. Caller frees. */
static char *
accel_first_line(int fd)
{
	char	buf[512];
	ssize_t	n;

	n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return (xstrdup("no message"));
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (xstrdup(buf));
}

int
accel_kvm_works(const char *qemu, const char *scratch, int timeout_ms,
    char **why)
{
	posix_spawn_file_actions_t	 fa;
	struct strv			 av;
	char				*bios, *cause = NULL, *msg;
	pid_t				 pid;
	int				 fd, ep[2], rc, status;

	if ((fd = open("/dev/kvm", O_RDWR|O_CLOEXEC)) == -1) {
		*why = xstrdup(errno == ENOENT ? "/dev/kvm does not exist" :
		    "/dev/kvm cannot be opened (are you in the kvm group?)");
		return (0);
	}
	close(fd);
	if ((bios = accel_write_bios(scratch != NULL ? scratch : "/tmp",
	    &cause)) == NULL) {
		*why = xasprintf("cannot write the probe firmware: %s", cause);
		free(cause);
		return (0);
	}
	strv_init(&av);
	strv_push(&av, qemu);
	strv_push(&av, "-accel");
	strv_push(&av, "kvm");
	strv_push(&av, "-cpu");
	strv_push(&av, "host");
	strv_push(&av, "-machine");
	strv_push(&av, "pc");
	strv_push(&av, "-m");
	strv_push(&av, "16");
	strv_push(&av, "-nodefaults");
	strv_push(&av, "-no-user-config");
	strv_push(&av, "-display");
	strv_push(&av, "none");
	strv_push(&av, "-bios");
	strv_push(&av, bios);
	strv_push(&av, "-device");
	strv_pushf(&av, "isa-debug-exit,iobase=%#x,iosize=1", ACCEL_EXIT_PORT);
	if (pipe2(ep, O_CLOEXEC) != 0)
		fatal("pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
	rc = posix_spawnp(&pid, av.v[0], &fa, NULL, av.v, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(ep[1]);
	strv_clear(&av);
	if (rc != 0) {
		*why = xasprintf("%s: %s", qemu, strerror(rc));
		close(ep[0]);
		unlink(bios);
		free(bios);
		return (0);
	}
	status = accel_wait(pid, timeout_ms);
	unlink(bios);
	free(bios);
	if (status != -1 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == ACCEL_EXIT_STATUS) {
		close(ep[0]);
		*why = xstrdup("KVM ran a test guest");
		return (1);
	}
	if (status == -1)
		*why = xasprintf("a KVM test guest did not finish within %d ms",
		    timeout_ms);
	else {
		msg = accel_first_line(ep[0]);
		*why = xasprintf("a KVM test guest failed: %s", msg);
		free(msg);
	}
	close(ep[0]);
	return (0);
}

/* The cached answer holds for this boot and this QEMU only. */
static char *
accel_cache_key(const char *qemu)
{
	char	*id, *why = NULL, *key;
	size_t	 len;

	id = fs_read_file("/proc/sys/kernel/random/boot_id", &len, &why);
	if (id == NULL) {
		free(why);
		id = xstrdup("unknown");
	}
	id[strcspn(id, "\n")] = '\0';
	key = xasprintf("%s %s", id, qemu);
	free(id);
	return (key);
}

static int
accel_probe_cached(const char *qemu, const char *cache_dir, char **why)
{
	char	*path = NULL, *text, *key, *nl, *err = NULL;
	int	 works;

	key = accel_cache_key(qemu);
	if (cache_dir != NULL) {
		path = fs_path_join(cache_dir, "kvm-probe");
		text = fs_read_file(path, NULL, &err);
		free(err);
		err = NULL;
		/* "KEY\n1 reason\n" */
		if (text != NULL && (nl = strchr(text, '\n')) != NULL &&
		    (size_t)(nl - text) == strlen(key) &&
		    strncmp(text, key, strlen(key)) == 0 &&
		    (nl[1] == '0' || nl[1] == '1') && nl[2] == ' ') {
			works = nl[1] == '1';
			nl[3 + strcspn(nl + 3, "\n")] = '\0';
			*why = xstrdup(nl + 3);
			free(text);
			free(key);
			free(path);
			return (works);
		}
		free(text);
	}
	works = accel_kvm_works(qemu, cache_dir, ACCEL_PROBE_TIMEOUT, why);
	if (path != NULL) {
		text = xasprintf("%s\n%d %s\n", key, works, *why);
		if (fs_write_atomic(path, text, strlen(text), 0600, &err) != 0)
			free(err);
		free(text);
	}
	free(key);
	free(path);
	return (works);
}

/* The wish: VMDESK_ACCEL over the one given, "auto" when neither. */
static const char *
accel_want(const char *want, int *fromenv)
{
	const char	*env;

	*fromenv = (env = getenv("VMDESK_ACCEL")) != NULL && *env != '\0';
	if (*fromenv)
		return (env);
	return (want != NULL ? want : "auto");
}

int
accel_resolve_arch(const char *want, const char *qemu, const char *cache_dir,
    const char *guest, const char *host, enum accel *out, char **why,
    char **cause)
{
	int	fromenv;

	if (host != NULL && strcmp(guest, host) == 0)
		return (accel_resolve(want, qemu, cache_dir, out, why, cause));
	want = accel_want(want, &fromenv);
	if (strcmp(want, "kvm") == 0) {
		*cause = xasprintf("KVM runs only guests of the host's own "
		    "architecture (guest %s, host %s; %s): use accel tcg",
		    guest, host != NULL ? host : "another",
		    fromenv ? "VMDESK_ACCEL=kvm" : "accel = kvm");
		return (-1);
	}
	*out = ACCEL_TCG;
	if (why != NULL)
		*why = xasprintf("guest %s on host %s: emulated", guest,
		    host != NULL ? host : "of another architecture");
	return (0);
}

int
accel_resolve(const char *want, const char *qemu, const char *cache_dir,
    enum accel *out, char **why, char **cause)
{
	char		*reason = NULL;
	int		 fromenv;

	want = accel_want(want, &fromenv);
	if (strcmp(want, "tcg") == 0) {
		*out = ACCEL_TCG;
		if (why != NULL)
			*why = xstrdup(fromenv ? "VMDESK_ACCEL=tcg" :
			    "tcg asked for");
		return (0);
	}
	if (strcmp(want, "kvm") != 0 && strcmp(want, "auto") != 0) {
		*cause = xasprintf("accelerator '%s' is not auto, kvm or tcg",
		    want);
		return (-1);
	}
	if (accel_probe_cached(qemu, cache_dir, &reason)) {
		*out = ACCEL_KVM;
		if (why != NULL)
			*why = reason;
		else
			free(reason);
		return (0);
	}
	if (strcmp(want, "kvm") == 0) {
		*cause = xasprintf("KVM was asked for but does not work: %s",
		    reason);
		free(reason);
		return (-1);
	}
	*out = ACCEL_TCG;
	if (why != NULL)
		*why = xstrdup("KVM does not work here (vmdesk doctor says "
		    "why)");
	free(reason);
	return (0);
}
