/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk: a terminal VM workstation on QEMU. */
#include "config.h"

#include <sys/stat.h>

#include <locale.h>
#include <signal.h>

#include "cli/cli.h"

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* A closed pipe (vmdesk list | head) is not worth a signal death. */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Disks and definitions are never group or world writable, whatever
	 * umask the shell had: a stricter one is kept.
	 */
	umask(umask(022) | 022);
	/* No command: the desktop. */
	return (cli_main(argc, argv));
}
