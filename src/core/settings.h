/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The user's configuration ($XDG_CONFIG_HOME/vmdesk/config), one table
 * of options with types, bounds, defaults and help.
 */
#ifndef VMDESK_CORE_SETTINGS_H
#define VMDESK_CORE_SETTINGS_H

#include <stdint.h>

#include "util/strv.h"

struct settings {
	char	*accel;		/* auto, kvm, tcg */
	char	*qemu;		/* emulator program */
	int	 stop_timeout;	/* seconds vmdesk stop waits */
	uint64_t serial_log_max; /* bytes serial.log may hold */
	int	 refresh;	/* desktop: milliseconds between samples */
	char	*colors;	/* desktop: auto, none, 8, 256 */
	int	 confirm;	/* desktop: ask before force stop and reset */
	int	 truecolor;	/* desktop: 24-bit colour on VM screens */
	char	*graphics;	/* desktop: auto, halfblock, sixel, kitty */
	struct strv keys;	/* desktop: "file:line\taction\tkey", [keys] */
};

struct settings_option {
	const char	*section;
	const char	*key;
	const char	*def;		/* default, as text */
	const char	*help;
};

/* The options, for --help and the man page; *n gets the count. */
const struct settings_option *settings_options(int *);
/* Defaults, then the file (if it exists), then environment overrides. */
int	 settings_load(struct settings *, char **);
void	 settings_clear(struct settings *);
/* The file's path. Caller frees. */
char	*settings_path(void);

#endif
