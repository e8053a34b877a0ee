/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one check for names of VMs, snapshots, templates and guest logins. */
#include "config.h"

#include "core/names.h"

#include <string.h>

#include "util/xmalloc.h"

static int
name_char_ok(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
}

int
name_check(const char *name, const char *what, char **cause)
{
	size_t	i, len = strlen(name);

	if (len == 0) {
		*cause = xasprintf("%s name is empty", what);
		return (-1);
	}
	if (len > NAME_MAX_LEN) {
		*cause = xasprintf("%s name is too long (%zu bytes, at most "
		    "%d)", what, len, NAME_MAX_LEN);
		return (-1);
	}
	if (name[0] == '.' || name[0] == '-') {
		*cause = xasprintf("%s name '%s' may not start with '%c'", what,
		    name, name[0]);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if (!name_char_ok(name[i])) {
			*cause = xasprintf("%s name may only hold letters, "
			    "digits, '-', '_' and '.'", what);
			return (-1);
		}
	}
	return (0);
}

int
name_login_check(const char *user, char **cause)
{
	size_t	i, len = strlen(user);

	if (len == 0 || len > NAME_LOGIN_MAX) {
		*cause = xasprintf("a login name is 1 to %d characters",
		    NAME_LOGIN_MAX);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if ((user[i] >= 'a' && user[i] <= 'z') || user[i] == '_' ||
		    (i > 0 && ((user[i] >= '0' && user[i] <= '9') ||
		    user[i] == '-')))
			continue;
		*cause = xasprintf("'%s' is not a login name (lower-case "
		    "letters, digits, '-' and '_', starting with a letter or "
		    "'_')", user);
		return (-1);
	}
	return (0);
}
