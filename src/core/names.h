/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one check for names of VMs, snapshots, templates and guest logins. */
#ifndef VMDESK_CORE_NAMES_H
#define VMDESK_CORE_NAMES_H

/* Longest name: keeps runtime socket paths well under 108 bytes. */
#define NAME_MAX_LEN	48

/*
 * Whether a name is valid: letters, digits, '-', '_', '.'; no leading
 * dot or dash; 1 to NAME_MAX_LEN bytes. what ("VM", "snapshot") is used
 * in the cause.
 */
int	name_check(const char *, const char *, char **);

/* Longest guest login name. */
#define NAME_LOGIN_MAX	32

/*
 * Whether a guest login name is valid: a lower-case letter or '_', then
 * lower-case letters, digits, '-' and '_'; 1 to NAME_LOGIN_MAX bytes.
 * It goes into ssh's argv and cloud-init's YAML, so nothing else passes.
 */
int	name_login_check(const char *, char **);

#endif
