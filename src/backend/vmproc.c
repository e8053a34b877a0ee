/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU processes: start, find again, query, stop, kill, clean up. */
#include "config.h"

#include "backend/vmproc.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/hostdev.h"
#include "backend/serial.h"
#include "backend/virtiofsd.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/netport.h"
#include "util/proc.h"
#include "util/random.h"
#include "util/strutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

extern char **environ;

/* The pid holding a pidfile's lock, or 0. */
static pid_t
vmproc_pidfile_pid(const char *pidfile)
{
	struct flock	fl;
	int		fd;

	/*
	 * QEMU holds a write lock on its pidfile for its whole life. The
	 * lock, unlike kill(pid, 0), cannot be fooled by a reused pid or a
	 * zombie: it goes away with the process.
	 */
	if ((fd = open(pidfile, O_RDONLY|O_CLOEXEC)) == -1)
		return (0);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == -1 || fl.l_type == F_UNLCK) {
		close(fd);
		return (0);
	}
	close(fd);
	return (fl.l_pid);
}

pid_t
vmproc_pid(const struct vm_paths *p)
{
	return (vmproc_pidfile_pid(p->pidfile));
}

/* Whether process pid was started with a host forward from port. */
static int
vmproc_pid_forwards(pid_t pid, int port, int udp)
{
	char	*cmd, *needle;
	size_t	 len;
	int	 found;

	if ((cmd = proc_cmdline(pid, &len)) == NULL)
		return (0);
	needle = xasprintf("hostfwd=%s:127.0.0.1:%d-", udp ? "udp" : "tcp",
	    port);
	found = memmem(cmd, len, needle, strlen(needle)) != NULL;
	free(needle);
	free(cmd);
	return (found);
}

/*
 * The VM whose running QEMU holds a host port: the QEMUs of the runtime
 * folder's VMs, by the forwards they were started with. Caller frees.
 */
static char *
vmproc_port_holder(const struct vm_paths *p, int port, int udp)
{
	struct dirent	*e;
	DIR		*d;
	char		*runtime, *pidfile, *name = NULL;
	pid_t		 pid;

	runtime = xstrdup(p->run);
	*strrchr(runtime, '/') = '\0';
	if ((d = opendir(runtime)) == NULL) {
		free(runtime);
		return (NULL);
	}
	while (name == NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		pidfile = xasprintf("%s/%s/qemu.pid", runtime, e->d_name);
		pid = vmproc_pidfile_pid(pidfile);
		free(pidfile);
		if (pid > 0 && vmproc_pid_forwards(pid, port, udp))
			name = xstrdup(e->d_name);
	}
	closedir(d);
	free(runtime);
	return (name);
}

/*
 * Refuse a start whose host forward cannot listen: QEMU would only say
 * "Could not set up host forwarding rule". Name who holds the port.
 */
static int
vmproc_check_ports(const struct vm_def *def, const struct vm_paths *p,
    char **cause)
{
	const struct vm_forward	*f;
	size_t			 i, j;
	char			*who;

	for (i = 0; i < def->nnics; i++) {
		for (j = 0; j < def->nics[i].nforwards; j++) {
			f = &def->nics[i].forwards[j];
			if (netport_is_free(f->host_port, f->udp))
				continue;
			who = vmproc_port_holder(p, f->host_port, f->udp);
			*cause = xasprintf("VM %s cannot start: its forward "
			    "%s %d->%d needs host port %d, which %s%s holds "
			    "(stop it, or change 'forward' in %s/vm.conf)",
			    def->name, f->udp ? "udp" : "tcp", f->host_port,
			    f->guest_port, f->host_port,
			    who != NULL ? "VM " : "another program",
			    who != NULL ? who : "", p->vmdir);
			free(who);
			return (-1);
		}
	}
	return (0);
}

void
vm_status_clear(struct vm_status *st)
{
	free(st->status);
	memset(st, 0, sizeof *st);
}

struct qmp *
vmproc_monitor(const struct vm_paths *p, int timeout_ms, char **cause)
{
	return (qmp_connect(p->qmp_cli, timeout_ms, cause));
}

static void
vmproc_query(const struct vm_paths *p, int timeout_ms, struct vm_status *st,
    struct vm_facts *f)
{
	struct qmp	*q;
	json_t		*r;
	const char	*s;
	char		*why = NULL;

	if ((q = vmproc_monitor(p, timeout_ms, &why)) == NULL) {
		log_debug("status %s: %s", p->run, why);
		free(why);
		return;
	}
	if ((r = qmp_command(q, "query-status", NULL, timeout_ms,
	    &why)) != NULL) {
		if ((s = json_string_value(json_object_get(r,
		    "status"))) != NULL) {
			st->status = xstrdup(s);
			f->status = st->status;
			f->monitor = 1;
		}
		json_decref(r);
	} else {
		free(why);
		why = NULL;
	}
	if ((r = qmp_command(q, "query-kvm", NULL, timeout_ms,
	    &why)) != NULL) {
		st->kvm = json_is_true(json_object_get(r, "enabled"));
		json_decref(r);
	} else
		free(why);
	qmp_close(q);
}

void
vmproc_status(const struct vm_paths *p, int monitor_ms, struct vm_status *st)
{
	struct vm_facts	f;
	struct stat	sb;

	memset(st, 0, sizeof *st);
	memset(&f, 0, sizeof f);
	st->kvm = -1;
	f.pidfile = stat(p->pidfile, &sb) == 0;
	/* No pidfile, no QEMU: a stopped VM costs one call less. */
	f.pid = f.pidfile ? vmproc_pid(p) : 0;
	f.powerdown = fs_exists(p->powerdown);
	if (f.pid > 0) {
		st->pid = f.pid;
		st->started = (uint64_t)sb.st_mtime;
		if (monitor_ms > 0)
			vmproc_query(p, monitor_ms, st, &f);
	}
	st->state = vmstate_derive(&f);
}

int
vmproc_cleanup(const struct vm_paths *p, char **cause)
{
	const char	*files[] = { p->pidfile, p->qmp, p->qmp_cli, p->vnc,
			    p->vnc_pass, p->serial, p->powerdown };
	size_t		 i;

	if (vmproc_pid(p) > 0) {
		*cause = xstrdup("QEMU is still running");
		return (-1);
	}
	/* swtpm and virtiofsd end with QEMU's connection; leftovers stop. */
	vmproc_swtpm_stop(p);
	virtiofsd_stop_all(p->run);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (unlink(files[i]) != 0 && errno != ENOENT) {
			*cause = xasprintf("%s: %s", files[i], strerror(errno));
			return (-1);
		}
	}
	return (0);
}

/* What QEMU wrote to its log since offset, as one line. Caller frees. */
static char *
vmproc_log_since(const char *log, long long offset)
{
	char	*text, *why = NULL, *s, *out, *o;
	size_t	 len;

	if ((text = fs_read_file(log, &len, &why)) == NULL) {
		free(why);
		return (xstrdup("no message (qemu.log unreadable)"));
	}
	if (offset < 0 || (size_t)offset > len)
		offset = 0;
	s = text + offset;
	while (*s == '\n' || *s == ' ')
		s++;
	o = out = xmalloc(strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			if (s[1] != '\0') {
				*o++ = ';';
				*o++ = ' ';
			}
		} else if (*s != '\r')
			*o++ = *s;
	}
	*o = '\0';
	free(text);
	if (*out == '\0') {
		free(out);
		return (xstrdup("no message in qemu.log"));
	}
	return (out);
}

/*
 * Spawn av with its output appended to log and wait for the launcher (a
 * program that daemonizes itself). 0 when it exited 0, 1 when it failed
 * (its words are in log), -1 and *cause when it could not run; notfound
 * is the message when the program is not installed.
 */
static int
vmproc_spawn(const struct strv *av, const char *log, const char *notfound,
    char **cause)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 rc, status, fd;

	fd = open(log, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0644);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", log, strerror(errno));
		return (-1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	posix_spawn_file_actions_adddup2(&fa, fd, 2);
	rc = posix_spawnp(&pid, av->v[0], &fa, NULL, av->v, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd);
	if (rc != 0) {
		if (rc == ENOENT)
			*cause = xstrdup(notfound);
		else
			*cause = xasprintf("%s: %s", av->v[0], strerror(rc));
		return (-1);
	}
	/* With -daemonize the launcher exits once the VM is set up. */
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			*cause = xasprintf("waitpid: %s", strerror(errno));
			return (-1);
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (0);
	*cause = NULL;
	return (1);
}

/* The swtpm of a VM from its pidfile, if that pid is a live swtpm. */
static pid_t
vmproc_swtpm_pid(const struct vm_paths *p)
{
	char	*text, *comm, *why = NULL;
	long	 pid;
	int	 ok;

	if ((text = fs_read_file(p->swtpm_pid, NULL, &why)) == NULL) {
		free(why);
		return (0);
	}
	text[strcspn(text, "\n")] = '\0';
	ok = str_to_long(text, 1, INT32_MAX, &pid, &why) == 0;
	free(text);
	if (!ok) {
		free(why);
		return (0);
	}
	/* The pid may have been reused since: only a swtpm is ours. */
	text = xasprintf("/proc/%ld/comm", pid);
	comm = fs_read_file(text, NULL, &why);
	free(text);
	if (comm == NULL) {
		free(why);
		return (0);
	}
	ok = strcmp(comm, "swtpm\n") == 0;
	free(comm);
	return (ok ? (pid_t)pid : 0);
}

void
vmproc_swtpm_stop(const struct vm_paths *p)
{
	pid_t	pid;
	int	i;

	if ((pid = vmproc_swtpm_pid(p)) > 0) {
		kill(pid, SIGTERM);
		for (i = 0; i < 40 && vmproc_swtpm_pid(p) > 0; i++)
			time_sleep_ms(25);
		if (vmproc_swtpm_pid(p) > 0)
			kill(pid, SIGKILL);
	}
	unlink(p->swtpm_pid);
	unlink(p->swtpm_sock);
}

int
vmproc_swtpm_start(const struct vm_def *def, const struct vm_paths *p,
    char **cause)
{
	struct strv	 av;
	char		*notfound, *why = NULL;
	int		 rc, i;

	/* swtpm splits its options at commas and has no escape for them. */
	if (strchr(p->tpm_dir, ',') != NULL ||
	    strchr(p->swtpm_sock, ',') != NULL) {
		*cause = xasprintf("VM %s: swtpm cannot take a path with a "
		    "comma (%s)", def->name, p->tpm_dir);
		return (-1);
	}
	vmproc_swtpm_stop(p);
	if (fs_mkdir_p(p->tpm_dir, 0700, cause) != 0)
		return (-1);
	strv_init(&av);
	strv_push(&av, "swtpm");
	strv_push(&av, "socket");
	strv_push(&av, "--tpm2");
	strv_push(&av, "--tpmstate");
	strv_pushf(&av, "dir=%s", p->tpm_dir);
	strv_push(&av, "--ctrl");
	strv_pushf(&av, "type=unixio,path=%s", p->swtpm_sock);
	/* It goes away when QEMU closes the control connection. */
	strv_push(&av, "--terminate");
	strv_push(&av, "--daemon");
	strv_push(&av, "--pid");
	strv_pushf(&av, "file=%s", p->swtpm_pid);
	strv_push(&av, "--log");
	strv_pushf(&av, "file=%s", p->swtpm_log);
	notfound = xasprintf("VM %s wants a TPM: install swtpm (Debian: "
	    "apt-get install swtpm), or set tpm = no in its vm.conf",
	    def->name);
	rc = vmproc_spawn(&av, p->swtpm_log, notfound, cause);
	free(notfound);
	strv_clear(&av);
	if (rc == -1)
		return (-1);
	if (rc == 1) {
		why = vmproc_log_since(p->swtpm_log, 0);
		*cause = xasprintf("VM %s: swtpm refused to start: %s",
		    def->name, why);
		free(why);
		vmproc_swtpm_stop(p);
		return (-1);
	}
	/* QEMU connects at once: the socket must be there first. */
	for (i = 0; i < 200 && !fs_exists(p->swtpm_sock); i++)
		time_sleep_ms(10);
	if (!fs_exists(p->swtpm_sock)) {
		*cause = xasprintf("VM %s: swtpm started but made no socket "
		    "(%s)", def->name, p->swtpm_log);
		vmproc_swtpm_stop(p);
		return (-1);
	}
	return (0);
}

/* The port for VNC over TCP: the VM's own, or a free one from 5900 up. */
static int
vmproc_vnc_port(const struct vm_def *def, char **cause)
{
	int	port, tries;

	if (def->vnc_port != 0)
		return (def->vnc_port);
	/* The kernel's ephemeral ports start far above 5900; check anyway. */
	for (tries = 0; tries < 16; tries++) {
		if ((port = netport_free(cause)) == -1)
			return (-1);
		if (port >= VMDEF_VNC_PORT_MIN)
			return (port);
	}
	*cause = xasprintf("no free port from %d up on 127.0.0.1 for VNC",
	    VMDEF_VNC_PORT_MIN);
	return (-1);
}

/*
 * A fresh VNC password: VNC authentication (DES) uses 8 characters at
 * most, so all 8 are random letters and digits. Caller frees.
 */
static char *
vmproc_vnc_password(void)
{
	static const char	 set[] = "abcdefghijkmnopqrstuvwxyz"
				     "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char		 r[VMPROC_VNC_PASSWORD_LEN];
	char			*pw;
	size_t			 i;

	random_bytes(r, sizeof r);
	pw = xmalloc(sizeof r + 1);
	for (i = 0; i < sizeof r; i++)
		pw[i] = set[r[i] % (sizeof set - 1)];
	pw[sizeof r] = '\0';
	return (pw);
}

/*
 * Give the TCP VNC display its password: written 0600 into the 0700
 * runtime folder for vmdesk vnc, then set over QMP. Until then QEMU's
 * password=on refuses every client.
 */
static int
vmproc_vnc_arm(struct qmp *q, const struct vm_paths *p, char **cause)
{
	json_t	*args, *r;
	char	*pw, *line;
	int	 fd, rc = -1;

	pw = vmproc_vnc_password();
	line = xasprintf("%s\n", pw);
	if (unlink(p->vnc_pass) != 0 && errno != ENOENT) {
		*cause = xasprintf("%s: %s", p->vnc_pass, strerror(errno));
		goto out;
	}
	fd = open(p->vnc_pass, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC,
	    0600);
	if (fd == -1 || write(fd, line, strlen(line)) !=
	    (ssize_t)strlen(line)) {
		*cause = xasprintf("%s: %s", p->vnc_pass, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	args = json_pack("{s:s, s:s, s:s}", "protocol", "vnc", "password", pw,
	    "display", QEMU_ARGV_VNC_TCP_ID);
	if ((r = qmp_command(q, "set_password", args, VMPROC_QMP_TIMEOUT,
	    cause)) == NULL)
		goto out;
	json_decref(r);
	rc = 0;
out:
	explicit_bzero(pw, strlen(pw));
	explicit_bzero(line, strlen(line));
	free(pw);
	free(line);
	return (rc);
}

int
vmproc_vnc_tcp(const struct vm_paths *p, int *port, char **password,
    char **cause)
{
	struct qmp	*q;
	json_t		*r, *d, *srv;
	const char	*id, *service;
	char		*text;
	size_t		 i, len;
	long		 l;

	if ((q = vmproc_monitor(p, VMPROC_QMP_TIMEOUT, cause)) == NULL)
		return (-1);
	r = qmp_command(q, "query-vnc-servers", NULL, VMPROC_QMP_TIMEOUT,
	    cause);
	qmp_close(q);
	if (r == NULL)
		return (-1);
	*port = 0;
	json_array_foreach(r, i, d) {
		id = json_string_value(json_object_get(d, "id"));
		srv = json_array_get(json_object_get(d, "server"), 0);
		service = json_string_value(json_object_get(srv, "service"));
		if (id == NULL || strcmp(id, QEMU_ARGV_VNC_TCP_ID) != 0 ||
		    service == NULL)
			continue;
		if (str_to_long(service, 1, 65535, &l, cause) != 0) {
			json_decref(r);
			return (-1);
		}
		*port = (int)l;
	}
	json_decref(r);
	if (*port == 0) {
		*cause = xstrdup("it was started without VNC over TCP (set "
		    "vnc_tcp=yes and start it again)");
		return (-1);
	}
	if ((text = fs_read_file(p->vnc_pass, &len, cause)) == NULL)
		return (-1);
	text[strcspn(text, "\n")] = '\0';
	*password = text;
	return (0);
}

/* How often the serial log's keeper looks at the log's size (ms). */
#define VMPROC_SERLOG_MS	250

/*
 * Keep serial.log within max while this QEMU lives. QEMU writes the log
 * itself, also when no vmdesk runs, so the keeper is a process of its
 * own; the pidfile's lock tells when QEMU has gone (or been replaced).
 */
static void __attribute__((noreturn))
vmproc_serlog_keep(const struct vm_paths *p, pid_t qemu, uint64_t max)
{
	char	*why = NULL;

	for (;;) {
		if (vmproc_pid(p) != qemu)
			_exit(0);
		if (serial_log_rotate(p->serial_log, max, &why) != 0) {
			free(why);
			why = NULL;
		}
		time_sleep_ms(VMPROC_SERLOG_MS);
	}
}

/*
 * Leave the starting vmdesk behind: its own session, default signals, and
 * no descriptor of it (a VM lock, the terminal, a monitor) held open.
 */
static void
vmproc_serlog_detach(void)
{
	sigset_t	set;
	int		sig, fd;

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	setsid();
	if (chdir("/") != 0)
		_exit(1);
	close_range(0, ~0U, 0);
	if ((fd = open("/dev/null", O_RDWR)) == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	prctl(PR_SET_NAME, "vmdesk:serlog", 0, 0, 0);
}

/* Fork the serial log's keeper (twice, so no vmdesk has to reap it). */
static void
vmproc_serlog_start(const struct vm_paths *p, pid_t qemu, uint64_t max)
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == -1) {
		log_debug("fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		vmproc_serlog_detach();
		vmproc_serlog_keep(p, qemu, max);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
}

/* Start virtiofsd for the shares that use it, then QEMU. */
static int
vmproc_start_shares(const struct vm_def *def, const struct vm_paths *p,
    const struct virtiofsd_probe *vfs, const struct strv *av,
    const char *notfound, char **cause)
{
	char	*log;
	int	 rc;

	log = fs_path_join(p->vmdir, "virtiofsd.log");
	rc = virtiofsd_start_all(def, vfs, p->run, log, cause);
	free(log);
	if (rc != 0)
		return (-1);
	if ((rc = vmproc_spawn(av, p->qemu_log, notfound, cause)) == -1)
		virtiofsd_stop_all(p->run);
	return (rc);
}

/* What a missing emulator's message says. Caller frees. */
static char *
vmproc_notfound(const struct vm_def *def, const char *qemu)
{
	const struct vmarch	*a = vmarch_get(vmdef_arch(def));

	if (vmdef_arch(def) == VM_ARCH_X86_64)
		return (xasprintf("QEMU is not installed: %s not found "
		    "(install %s, or set VMDESK_QEMU)", qemu, a->qemu_pkg));
	return (xasprintf("QEMU for %s guests is not installed: %s not found "
	    "(Debian: apt-get install %s)", a->name, qemu, a->qemu_pkg));
}

static int
vmproc_start_probed(const struct vm_def *def, const struct vm_paths *p,
    const struct vmproc_start *opt, const struct virtiofsd_probe *vfs,
    pid_t *pidp, char **cause)
{
	struct qemu_argv_in	 in;
	struct strv		 av;
	struct qmp		*q;
	char			*line, *header, *why = NULL, *notfound;
	long long		 offset;
	time_t			 now;
	int			 rc;

	if ((*pidp = vmproc_pid(p)) > 0) {
		*cause = xasprintf("VM %s is already running (pid %ld)",
		    def->name, (long)*pidp);
		return (-1);
	}
	if (fs_mkdir_p(p->run, 0700, cause) != 0)
		return (-1);
	/* A dead QEMU leaves its files; QEMU itself leaves vnc.sock. */
	if (vmproc_cleanup(p, cause) != 0 ||
	    vmproc_check_ports(def, p, cause) != 0)
		return (-1);

	memset(&in, 0, sizeof in);
	in.def = def;
	in.paths = p;
	in.qemu = opt->qemu;
	in.accel = opt->accel;
	in.paused = opt->paused;
	in.fw_code = opt->fw_code;
	in.fw_vars = opt->fw_vars;
	in.fw_loader = opt->fw_loader;
	in.loadvm = opt->loadvm;
	in.virtiofsd = vfs;
	if (def->vnc_tcp && (in.vnc_port = vmproc_vnc_port(def, cause)) == -1)
		return (-1);
	strv_init(&av);
	if (qemu_argv_build(&in, &av, cause) != 0) {
		strv_clear(&av);
		return (-1);
	}

	offset = fs_file_size(p->qemu_log);
	if (offset < 0)
		offset = 0;
	line = strv_join(&av, " ");
	now = time(NULL);
	header = xasprintf("--- vmdesk start %s", ctime(&now));
	header[strlen(header) - 1] = '\0';
	log_debug("start %s: %s", def->name, line);
	{
		FILE *f = fopen(p->qemu_log, "ae");

		if (f != NULL) {
			fprintf(f, "%s\n%s\n", header, line);
			fclose(f);
		}
	}
	free(header);
	free(line);
	offset = fs_file_size(p->qemu_log);

	notfound = vmproc_notfound(def, av.v[0]);
	if (def->tpm && vmproc_swtpm_start(def, p, cause) != 0) {
		free(notfound);
		strv_clear(&av);
		return (-1);
	}
	rc = vmproc_start_shares(def, p, vfs, &av, notfound, cause);
	free(notfound);
	strv_clear(&av);
	if (rc == -1) {
		vmproc_swtpm_stop(p);
		return (-1);
	}
	if (rc == 1) {
		why = vmproc_log_since(p->qemu_log, offset);
		*cause = xasprintf("VM %s: QEMU refused to start: %s",
		    def->name, why);
		free(why);
		why = NULL;
		if (vmproc_cleanup(p, &why) != 0)
			free(why);
		return (-1);
	}
	if ((*pidp = vmproc_pid(p)) <= 0) {
		vmproc_swtpm_stop(p);
		virtiofsd_stop_all(p->run);
		why = vmproc_log_since(p->qemu_log, offset);
		*cause = xasprintf("VM %s: QEMU exited right after starting: "
		    "%s", def->name, why);
		free(why);
		return (-1);
	}
	/* The monitor socket exists once the launcher returns: check it. */
	if ((q = vmproc_monitor(p, VMPROC_QMP_TIMEOUT, &why)) == NULL) {
		*cause = xasprintf("VM %s: QEMU started (pid %ld) but its "
		    "monitor does not answer: %s", def->name, (long)*pidp,
		    why);
		free(why);
		return (-1);
	}
	if (in.vnc_port != 0 && vmproc_vnc_arm(q, p, &why) != 0) {
		qmp_close(q);
		*cause = xasprintf("VM %s: cannot set the password of VNC over "
		    "TCP, so the VM was stopped: %s", def->name, why);
		free(why);
		why = NULL;
		if (vmproc_kill(p, &why) != 0)
			free(why);
		*pidp = 0;
		return (-1);
	}
	qmp_close(q);
	if (opt->serial_log_max > 0)
		vmproc_serlog_start(p, *pidp, opt->serial_log_max);
	return (0);
}

int
vmproc_start(const struct vm_def *def, const struct vm_paths *p,
    const struct vmproc_start *opt, pid_t *pidp, char **cause)
{
	struct virtiofsd_probe	vfs;
	int			rc;

	memset(&vfs, 0, sizeof vfs);
	if (def->nshares > 0)
		virtiofsd_probe(&vfs);
	rc = vmproc_start_probed(def, p, opt, &vfs, pidp, cause);
	virtiofsd_probe_clear(&vfs);
	return (rc);
}

int
vmproc_start_def(const struct vm_def *def, const struct vm_paths *p,
    const struct settings *set, const char *runtime, int paused,
    const char *loadvm, pid_t *pid, char **note, char **cause)
{
	struct vmproc_start	 opt;
	const char		*want;
	char			*why = NULL, *code = NULL, *vars = NULL;
	char			*loader = NULL, *qemu;
	int			 rc = -1, host = vmarch_host();

	if (vmdef_validate(def, p->vmdir, cause) != 0 ||
	    hostdev_check(def, cause) != 0)
		return (-1);
	want = strcmp(def->accel, "auto") != 0 ? def->accel : set->accel;
	memset(&opt, 0, sizeof opt);
	qemu = vmarch_qemu(vmdef_arch(def), set->qemu);
	if (accel_resolve_arch(want, qemu, runtime, def->arch, host == -1 ?
	    NULL : vmarch_get(host)->name, &opt.accel, &why, cause) != 0)
		goto out;
	if (qemu_argv_firmware_used(def) && vmproc_firmware_files(def, p,
	    &code, &vars, &loader, cause) != 0)
		goto out;
	opt.qemu = qemu;
	opt.paused = paused;
	opt.fw_code = code;
	opt.fw_vars = vars;
	opt.fw_loader = loader;
	opt.loadvm = loadvm;
	opt.serial_log_max = set->serial_log_max;
	if ((rc = vmproc_start(def, p, &opt, pid, cause)) == 0 &&
	    note != NULL)
		*note = xasprintf("%s: %s", accel_name(opt.accel), why);
out:
	free(why);
	free(code);
	free(vars);
	free(loader);
	free(qemu);
	return (rc);
}

int
vmproc_command(const struct vm_paths *p, const char *cmd, char **cause)
{
	struct qmp	*q;
	json_t		*r;

	if ((q = vmproc_monitor(p, VMPROC_QMP_TIMEOUT, cause)) == NULL)
		return (-1);
	r = qmp_command(q, cmd, NULL, VMPROC_QMP_TIMEOUT, cause);
	qmp_close(q);
	if (r == NULL)
		return (-1);
	json_decref(r);
	return (0);
}

int
vmproc_wait_exit(const struct vm_paths *p, int timeout_ms)
{
	uint64_t	end = time_mono_ms() + (uint64_t)timeout_ms;

	for (;;) {
		if (vmproc_pid(p) <= 0)
			return (0);
		if (time_mono_ms() >= end)
			return (-1);
		time_sleep_ms(50);
	}
}

int
vmproc_kill(const struct vm_paths *p, char **cause)
{
	struct qmp	*q;
	json_t		*r;
	char		*why = NULL;
	pid_t		 pid;

	if ((pid = vmproc_pid(p)) <= 0)
		return (vmproc_cleanup(p, cause));
	/*
	 * quit lets QEMU close its disks; the reply may be lost to the close.
	 * Without a monitor, SIGTERM does the same: QEMU shuts down cleanly.
	 */
	if ((q = vmproc_monitor(p, VMPROC_QMP_QUICK, &why)) != NULL) {
		r = qmp_command(q, "quit", NULL, VMPROC_QMP_QUICK, &why);
		json_decref(r);
		qmp_close(q);
	} else
		kill(pid, SIGTERM);
	free(why);
	if (vmproc_wait_exit(p, 3000) != 0) {
		if ((pid = vmproc_pid(p)) > 0 && kill(pid, SIGKILL) != 0 &&
		    errno != ESRCH) {
			*cause = xasprintf("kill %ld: %s", (long)pid,
			    strerror(errno));
			return (-1);
		}
		if (vmproc_wait_exit(p, 5000) != 0) {
			*cause = xasprintf("QEMU (pid %ld) did not exit after "
			    "SIGKILL", (long)pid);
			return (-1);
		}
	}
	return (vmproc_cleanup(p, cause));
}

int
vmproc_stop(const struct vm_paths *p, int timeout_s, int force, int *forced,
    char **cause)
{
	struct vm_status	 st;
	struct qmp		*q;
	json_t			*r;
	char			*why = NULL;
	int			 fd;

	if (forced != NULL)
		*forced = 0;
	vmproc_status(p, VMPROC_QMP_TIMEOUT, &st);
	if (!vmstate_is_alive(st.state)) {
		vm_status_clear(&st);
		return (vmproc_cleanup(p, cause));
	}
	if ((q = vmproc_monitor(p, VMPROC_QMP_TIMEOUT, &why)) == NULL) {
		vm_status_clear(&st);
		/* No monitor, no power button: force means end it now. */
		if (force) {
			free(why);
			if (forced != NULL)
				*forced = VMPROC_FORCED_NOMONITOR;
			return (vmproc_kill(p, cause));
		}
		*cause = xasprintf("%s: the power button needs the monitor; "
		    "vmdesk stop --force or vmdesk kill ends QEMU", why);
		free(why);
		return (-1);
	}
	/* A paused guest cannot see the power button. */
	if (st.state == VM_PAUSED) {
		r = qmp_command(q, "cont", NULL, VMPROC_QMP_TIMEOUT, &why);
		json_decref(r);
		free(why);
		why = NULL;
	}
	vm_status_clear(&st);
	fd = open(p->powerdown, O_WRONLY|O_CREAT|O_CLOEXEC, 0600);
	if (fd != -1)
		close(fd);
	/*
	 * system_powerdown only emits the ACPI event: a guest without a
	 * handler ignores it, so waiting needs a limit.
	 */
	r = qmp_command(q, "system_powerdown", NULL, VMPROC_QMP_TIMEOUT, cause);
	qmp_close(q);
	if (r == NULL) {
		unlink(p->powerdown);
		return (-1);
	}
	json_decref(r);
	if (vmproc_wait_exit(p, timeout_s * 1000) == 0)
		return (vmproc_cleanup(p, cause));
	if (!force) {
		unlink(p->powerdown);
		*cause = xasprintf("the guest did not power off within %d s (it "
		    "may ignore the ACPI power button): use --force, or "
		    "vmdesk kill", timeout_s);
		return (-1);
	}
	if (forced != NULL)
		*forced = VMPROC_FORCED_TIMEOUT;
	return (vmproc_kill(p, cause));
}

/*
 * Debian's ovmf package; the 4M build is what QEMU 7.2 pairs with q35.
 * Secure Boot: the secboot code (it needs SMM) with the variable store
 * that has Microsoft's keys enrolled, so Windows and shim-signed Linux
 * installers boot with Secure Boot on.
 */
static const struct {
	int		 secure;
	const char	*code;
	const char	*vars;
} vmproc_ovmf[] = {
	{ 0, "/usr/share/OVMF/OVMF_CODE_4M.fd",
	  "/usr/share/OVMF/OVMF_VARS_4M.fd" },
	{ 0, "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd" },
	{ 0, "/usr/share/edk2/ovmf/OVMF_CODE.fd",
	  "/usr/share/edk2/ovmf/OVMF_VARS.fd" },
	{ 1, "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
	  "/usr/share/OVMF/OVMF_VARS_4M.ms.fd" },
	{ 1, "/usr/share/OVMF/OVMF_CODE.secboot.fd",
	  "/usr/share/OVMF/OVMF_VARS.ms.fd" },
	{ 1, "/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd",
	  "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd" },
};

static int
vmproc_ovmf_find(int secure, char **code, char **vars, char **cause)
{
	size_t	i;

	for (i = 0; i < sizeof vmproc_ovmf / sizeof vmproc_ovmf[0]; i++) {
		if (vmproc_ovmf[i].secure == secure &&
		    access(vmproc_ovmf[i].code, R_OK) == 0 &&
		    access(vmproc_ovmf[i].vars, R_OK) == 0) {
			*code = xstrdup(vmproc_ovmf[i].code);
			*vars = xstrdup(vmproc_ovmf[i].vars);
			return (0);
		}
	}
	if (secure)
		*cause = xstrdup("UEFI firmware with Secure Boot (OVMF "
		    "secboot) is not installed: uefi-secure guests cannot "
		    "start (Debian: apt-get install ovmf)");
	else
		*cause = xstrdup("UEFI firmware (OVMF) is not installed: UEFI "
		    "guests cannot start (Debian: apt-get install ovmf)");
	return (-1);
}

int
vmproc_uefi_firmware(char **code, char **vars, char **cause)
{
	return (vmproc_ovmf_find(0, code, vars, cause));
}

int
vmproc_uefi_firmware_secure(char **code, char **vars, char **cause)
{
	return (vmproc_ovmf_find(1, code, vars, cause));
}

/* One firmware file of an architecture's row, or why it is missing. */
static int
vmproc_arch_file(const struct vmarch *a, const char *file, const char *pkg,
    char **out, char **cause)
{
	if (access(file, R_OK) == 0) {
		*out = xstrdup(file);
		return (0);
	}
	*cause = xasprintf("the %s firmware %s is not installed: %s guests "
	    "cannot start (Debian: apt-get install %s)", a->name, file,
	    a->name, pkg);
	return (-1);
}

int
vmproc_arch_firmware(enum vm_arch arch, char **code, char **vars,
    char **loader, char **cause)
{
	const struct vmarch	*a = vmarch_get(arch);

	*code = *vars = *loader = NULL;
	if (arch == VM_ARCH_X86_64)
		return (vmproc_ovmf_find(0, code, vars, cause));
	if (vmproc_arch_file(a, a->fw_code, a->fw_code_pkg, code, cause) != 0)
		return (-1);
	if ((a->fw_vars != NULL && vmproc_arch_file(a, a->fw_vars,
	    a->fw_code_pkg, vars, cause) != 0) || (a->fw_loader != NULL &&
	    vmproc_arch_file(a, a->fw_loader, a->fw_loader_pkg, loader,
	    cause) != 0)) {
		free(*code);
		free(*vars);
		*code = *vars = NULL;
		return (-1);
	}
	return (0);
}

/* The firmware's files for a start: shared, and the VM's variables. */
static int
vmproc_firmware_find(const struct vm_def *def, char **code, char **store,
    char **loader, char **cause)
{
	char	*why = NULL;
	int	 rc;

	*loader = NULL;
	if (vmdef_arch(def) == VM_ARCH_X86_64)
		rc = vmproc_ovmf_find(def->firmware ==
		    VM_FIRMWARE_UEFI_SECURE, code, store, &why);
	else
		rc = vmproc_arch_firmware(vmdef_arch(def), code, store,
		    loader, &why);
	if (rc != 0) {
		*cause = xasprintf("VM %s: %s", def->name, why);
		free(why);
	}
	return (rc);
}

int
vmproc_firmware_files(const struct vm_def *def, const struct vm_paths *p,
    char **code, char **vars, char **loader, char **cause)
{
	char	*data, *store;
	size_t	 len;

	if (vmproc_firmware_find(def, code, &store, loader, cause) != 0)
		return (-1);
	if (store == NULL) {
		*vars = NULL;
		return (0);
	}
	*vars = fs_path_join(p->vmdir, "efivars.fd");
	if (access(*vars, F_OK) != 0) {
		data = fs_read_file(store, &len, cause);
		if (data == NULL ||
		    fs_write_atomic(*vars, data, len, 0644, cause) != 0) {
			free(data);
			free(store);
			free(*code);
			free(*vars);
			free(*loader);
			*code = *vars = *loader = NULL;
			return (-1);
		}
		free(data);
	}
	free(store);
	return (0);
}

const char *
vmproc_bios_file(void)
{
	static const char *const files[] = {
		"/usr/share/seabios/bios-256k.bin",
		"/usr/share/qemu/bios-256k.bin",
	};
	size_t			 i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (access(files[i], R_OK) == 0)
			return (files[i]);
	}
	return (NULL);
}
