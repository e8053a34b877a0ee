/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk console: the serial console passed through to the terminal. */
#include "config.h"

#include "cli/cli_console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "backend/serial.h"
#include "backend/vmproc.h"
#include "cli/cli_vm.h"
#include "util/xmalloc.h"

/* Scrollback shown on attach, from serial.log. */
#define CONSOLE_TAIL		2048
/* With a pipe on stdin: after its end, wait this long for quiet output. */
#define CONSOLE_QUIET_MS	1500

static volatile sig_atomic_t	console_signalled;

static void
console_signal(int sig)
{
	console_signalled = sig;
}

static int
console_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN) {
				struct pollfd pfd = { fd, POLLOUT, 0 };

				poll(&pfd, 1, 1000);
				continue;
			}
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Relay until detach, hang-up or signal. 0 detached, 1 VM gone, -1 error. */
static int
console_relay(int sock, int tty)
{
	struct pollfd	pfd[2];
	char		buf[4096], *d;
	ssize_t		n;
	int		stdin_open = 1, timeout;

	pfd[0].fd = STDIN_FILENO;
	pfd[1].fd = sock;
	pfd[0].events = pfd[1].events = POLLIN;
	while (!console_signalled) {
		pfd[0].fd = stdin_open ? STDIN_FILENO : -1;
		timeout = stdin_open ? -1 : CONSOLE_QUIET_MS;
		n = poll(pfd, 2, timeout);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			return (0);
		if (pfd[1].revents & (POLLIN|POLLHUP|POLLERR)) {
			n = read(sock, buf, sizeof buf);
			if (n == 0 || (n == -1 && errno != EAGAIN &&
			    errno != EINTR))
				return (1);
			if (n > 0 && console_write_all(STDOUT_FILENO, buf,
			    (size_t)n) != 0)
				return (-1);
		}
		if (stdin_open && (pfd[0].revents & (POLLIN|POLLHUP))) {
			n = read(STDIN_FILENO, buf, sizeof buf);
			if (n <= 0) {
				if (n == -1 && errno == EINTR)
					continue;
				stdin_open = 0;
				continue;
			}
			if (tty && (d = memchr(buf, CLI_CONSOLE_DETACH,
			    (size_t)n)) != NULL) {
				console_write_all(sock, buf, (size_t)(d - buf));
				return (0);
			}
			if (console_write_all(sock, buf, (size_t)n) != 0)
				return (1);
		}
	}
	return (0);
}

int
cli_console_attach(struct cli *cli, const char *name)
{
	struct vm_paths		 p;
	struct vm_status	 st;
	struct termios		 saved, raw;
	struct sigaction	 sa, old_term, old_hup;
	char			*cause = NULL, *tail;
	size_t			 len;
	int			 sock, tty, rc;

	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (!library_exists(cli->lib, name)) {
		cli_error("no VM named '%s' (vmdesk list shows them)", name);
		return (CLI_FAIL);
	}
	if (cli_vm_paths(cli, name, &p) != CLI_OK)
		return (CLI_FAIL);
	vmproc_status(&p, 0, &st);
	if (!vmstate_is_alive(st.state)) {
		cli_error("VM %s is %s: vmdesk start %s", name,
		    vmstate_name(st.state), name);
		vm_status_clear(&st);
		vm_paths_clear(&p);
		return (CLI_FAIL);
	}
	vm_status_clear(&st);
	if ((sock = serial_connect(p.serial, &cause)) == -1) {
		vm_paths_clear(&p);
		return (cli_fail_vm(name, cause));
	}
	tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		/* What the guest printed before we came: its log. */
		tail = serial_log_tail(p.serial_log, CONSOLE_TAIL, &len, &cause);
		if (tail != NULL) {
			console_write_all(STDOUT_FILENO, tail, len);
			free(tail);
		} else
			free(cause);
		fprintf(stderr, "\r\n[vmdesk: attached to %s's serial console;"
		    " Ctrl-] detaches, Enter shows the prompt]\r\n", name);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = console_signal;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	rc = console_relay(sock, tty);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	close(sock);
	vm_paths_clear(&p);
	if (tty && rc == 0)
		fprintf(stderr, "\r\n[vmdesk: detached; %s keeps running]\n",
		    name);
	if (rc == 1) {
		fprintf(stderr, "\r\n[vmdesk: %s's serial port closed: the VM "
		    "stopped]\n", name);
		return (CLI_OK);
	}
	if (rc == -1) {
		cli_error("console: %s", strerror(errno));
		return (CLI_FAIL);
	}
	return (CLI_OK);
}

int
cli_console(struct cli *cli, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return (cli_usage("console"));
	return (cli_console_attach(cli, argv[1]));
}
