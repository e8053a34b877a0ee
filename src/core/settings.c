/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user's configuration file, from one table of options. */
#include "config.h"

#include "core/settings.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

enum settings_kind {
	COPT_ACCEL,
	COPT_STRING,
	COPT_INT,
	COPT_SIZE,
	COPT_BOOL,
	COPT_COLORS,
	COPT_GRAPHICS
};

static const struct settings_spec {
	struct settings_option	 opt;
	enum settings_kind		 kind;
	size_t			 off;
	long			 min, max;
} settings_table[] = {
	{ { "vm", "accel", "auto", "accelerator: auto (KVM when it really "
	    "works, else TCG), kvm or tcg; VMDESK_ACCEL overrides it" },
	  COPT_ACCEL, offsetof(struct settings, accel), 0, 0 },
	{ { "vm", "qemu", QEMU_SYSTEM_DEFAULT, "the QEMU system emulator; "
	    "VMDESK_QEMU overrides it" },
	  COPT_STRING, offsetof(struct settings, qemu), 0, 0 },
	{ { "vm", "stop_timeout", "60", "seconds vmdesk stop waits for a "
	    "guest to power off" },
	  COPT_INT, offsetof(struct settings, stop_timeout), 1, 3600 },
	{ { "vm", "serial_log_max", "8M", "the most a VM's serial.log holds "
	    "(64K to 1T); beyond it the older part moves to serial.log.1, "
	    "replacing the one there" },
	  COPT_SIZE, offsetof(struct settings, serial_log_max), 64 << 10,
	  1L << 40 },
	{ { "desktop", "refresh", "1000", "milliseconds between two samples "
	    "of the desktop's graphs (250 to 10000)" },
	  COPT_INT, offsetof(struct settings, refresh), 250, 10000 },
	{ { "desktop", "colors", "auto", "auto (what the terminal has, none "
	    "when NO_COLOR is set), none, 8 or 256" },
	  COPT_COLORS, offsetof(struct settings, colors), 0, 0 },
	{ { "desktop", "confirm", "yes", "ask before a force stop or a reset" },
	  COPT_BOOL, offsetof(struct settings, confirm), 0, 0 },
	{ { "desktop", "truecolor", "no", "draw VM screens in 24-bit colour "
	    "even when COLORTERM does not say truecolor (inside tmux, which "
	    "passes it on with terminal-features RGB); else 256 colours" },
	  COPT_BOOL, offsetof(struct settings, truecolor), 0, 0 },
	{ { "desktop", "graphics", "auto", "how VM screens show graphics: "
	    "auto (sixel when the terminal answers that it has it, kitty "
	    "when TERM is xterm-kitty, else half blocks), halfblock, sixel "
	    "or kitty" },
	  COPT_GRAPHICS, offsetof(struct settings, graphics), 0, 0 },
};

#define SETTINGS_N	((int)(sizeof settings_table / sizeof settings_table[0]))

const struct settings_option *
settings_options(int *n)
{
	static struct settings_option	opts[SETTINGS_N];
	int				i;

	for (i = 0; i < SETTINGS_N; i++)
		opts[i] = settings_table[i].opt;
	*n = SETTINGS_N;
	return (opts);
}

char *
settings_path(void)
{
	const char	*env;

	if ((env = getenv("VMDESK_CONFIG")) != NULL && *env != '\0')
		return (xstrdup(env));
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/')
		return (xasprintf("%s/vmdesk/config", env));
	if ((env = getenv("HOME")) != NULL && *env == '/')
		return (xasprintf("%s/.config/vmdesk/config", env));
	return (NULL);
}

static int
settings_set(struct settings *c, const struct settings_spec *o,
    const char *value, char **cause)
{
	char		**sp = (char **)((char *)c + o->off);
	int		 *ip = (int *)((char *)c + o->off);
	uint64_t	 *up = (uint64_t *)((char *)c + o->off);
	char		 *lo, *hi;
	long		  l;

	switch (o->kind) {
	case COPT_ACCEL:
		if (strcmp(value, "auto") != 0 && strcmp(value, "kvm") != 0 &&
		    strcmp(value, "tcg") != 0) {
			*cause = xasprintf("'%s' is not auto, kvm or tcg",
			    value);
			return (-1);
		}
		/* FALLTHROUGH */
	case COPT_STRING:
		free(*sp);
		*sp = xstrdup(value);
		return (0);
	case COPT_INT:
		if (str_to_long(value, o->min, o->max, &l, cause) != 0)
			return (-1);
		*ip = (int)l;
		return (0);
	case COPT_SIZE:
		if (str_to_size(value, 1, up, cause) != 0)
			return (-1);
		if (*up >= (uint64_t)o->min && *up <= (uint64_t)o->max)
			return (0);
		lo = str_size_short((uint64_t)o->min);
		hi = str_size_short((uint64_t)o->max);
		*cause = xasprintf("'%s' is not between %s and %s", value, lo,
		    hi);
		free(lo);
		free(hi);
		return (-1);
	case COPT_BOOL:
		return (str_to_bool(value, ip, cause));
	case COPT_COLORS:
		if (strcmp(value, "auto") != 0 && strcmp(value, "none") != 0 &&
		    strcmp(value, "8") != 0 && strcmp(value, "256") != 0) {
			*cause = xasprintf("'%s' is not auto, none, 8 or 256",
			    value);
			return (-1);
		}
		free(*sp);
		*sp = xstrdup(value);
		return (0);
	case COPT_GRAPHICS:
		if (strcmp(value, "auto") != 0 &&
		    strcmp(value, "halfblock") != 0 &&
		    strcmp(value, "sixel") != 0 && strcmp(value, "kitty") != 0) {
			*cause = xasprintf("'%s' is not auto, halfblock, sixel "
			    "or kitty", value);
			return (-1);
		}
		free(*sp);
		*sp = xstrdup(value);
		return (0);
	}
	fatal("unknown config kind");
}

int
settings_load(struct settings *c, char **cause)
{
	struct ini		*ini;
	const struct ini_entry	*e;
	const char		*sec, *env;
	char			*path, *why = NULL;
	size_t			 i;
	int			 j;

	memset(c, 0, sizeof *c);
	strv_init(&c->keys);
	for (j = 0; j < SETTINGS_N; j++) {
		if (settings_set(c, &settings_table[j], settings_table[j].opt.def,
		    &why) != 0)
			fatal("bad default for %s", settings_table[j].opt.key);
	}
	path = settings_path();
	if (path != NULL && access(path, F_OK) == 0) {
		if ((ini = ini_load(path, cause)) == NULL) {
			free(path);
			settings_clear(c);
			return (-1);
		}
		for (i = 0; i < ini->nentries; i++) {
			e = &ini->entries[i];
			sec = ini->sections[e->section].type;
			/*
			 * [keys] belongs to the desktop, which knows the
			 * actions: kept as "file:line action key" for it.
			 */
			if (strcmp(sec, "keys") == 0) {
				strv_pushf(&c->keys, "%s:%d\t%s\t%s", path,
				    e->line, e->key, e->value);
				continue;
			}
			for (j = 0; j < SETTINGS_N; j++) {
				if (strcmp(settings_table[j].opt.section,
				    sec) == 0 && strcmp(settings_table[j].opt.key,
				    e->key) == 0)
					break;
			}
			if (j == SETTINGS_N) {
				*cause = xasprintf("%s:%d: unknown option "
				    "'%s' in [%s]", path, e->line, e->key, sec);
				goto fail;
			}
			if (settings_set(c, &settings_table[j], e->value,
			    &why) != 0) {
				*cause = xasprintf("%s:%d: %s: %s", path,
				    e->line, e->key, why);
				free(why);
				goto fail;
			}
		}
		ini_free(ini);
	}
	free(path);
	if ((env = getenv("VMDESK_QEMU")) != NULL && *env != '\0') {
		free(c->qemu);
		c->qemu = xstrdup(env);
	}
	return (0);

fail:
	ini_free(ini);
	free(path);
	settings_clear(c);
	return (-1);
}

void
settings_clear(struct settings *c)
{
	free(c->accel);
	free(c->qemu);
	free(c->colors);
	free(c->graphics);
	strv_clear(&c->keys);
	memset(c, 0, sizeof *c);
}
