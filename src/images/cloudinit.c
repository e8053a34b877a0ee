/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cloud-init's NoCloud seed, written as an ISO 9660 image by libarchive. */
#include "config.h"

#include "images/cloudinit.h"

#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/names.h"
#include "util/fsutil.h"
#include "util/lazy_archive.h"
#include "util/random.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* Longest member read back from a seed, and longest key file. */
#define CLOUDINIT_MAX_MEMBER	(1U << 20)

int
cloudinit_user_check(const char *user, char **cause)
{
	if (name_login_check(user, cause) != 0)
		return (-1);
	if (strcmp(user, "root") == 0) {
		*cause = xstrdup("user name 'root' is not allowed: cloud-init "
		    "makes a user with sudo");
		return (-1);
	}
	return (0);
}

char *
cloudinit_instance_id(void)
{
	unsigned char	b[8];

	random_bytes(b, sizeof b);
	return (xasprintf("i-%02x%02x%02x%02x%02x%02x%02x%02x", b[0], b[1],
	    b[2], b[3], b[4], b[5], b[6], b[7]));
}

char *
cloudinit_hash_password(const char *password, char **cause)
{
	static const char	 set[] = "./0123456789"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz";
	unsigned char		 b[16];
	char			 salt[3 + sizeof b + 1];
	struct crypt_data	*cd;
	char			*hash, *out;
	size_t			 i;

	if (*password == '\0') {
		*cause = xstrdup("the password is empty");
		return (NULL);
	}
	random_bytes(b, sizeof b);
	memcpy(salt, "$6$", 3);
	for (i = 0; i < sizeof b; i++)
		salt[3 + i] = set[b[i] % (sizeof set - 1)];
	salt[3 + sizeof b] = '\0';
	cd = xcalloc(1, sizeof *cd);
	hash = crypt_r(password, salt, cd);
	if (hash == NULL || hash[0] != '$') {
		*cause = xstrdup("crypt(3) cannot hash with SHA-512");
		out = NULL;
	} else
		out = xstrdup(hash);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return (out);
}

/* Add the key lines of one file. */
static int
cloudinit_key_file(const char *path, struct strv *keys, char **cause)
{
	char	*text, *line, *next, *end;
	size_t	 before = keys->n;

	if ((text = fs_read_file(path, NULL, cause)) == NULL)
		return (-1);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == '\r' || end[-1] == ' '))
			*--end = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (strncmp(line, "ssh-", 4) != 0 &&
		    strncmp(line, "ecdsa-", 6) != 0 &&
		    strncmp(line, "sk-", 3) != 0) {
			*cause = xasprintf("%s: not an ssh public key (a "
			    "line starts '%.12s')", path, line);
			free(text);
			return (-1);
		}
		strv_push(keys, line);
	}
	free(text);
	if (keys->n == before) {
		*cause = xasprintf("%s: no public key in it", path);
		return (-1);
	}
	return (0);
}

int
cloudinit_read_keys(const struct strv *files, struct strv *keys,
    char **cause)
{
	struct passwd	*pw;
	const char	*home;
	char		*pattern;
	glob_t		 g;
	size_t		 i;
	int		 rc = 0;

	if (files != NULL && files->n > 0) {
		for (i = 0; i < files->n; i++) {
			if (cloudinit_key_file(files->v[i], keys, cause) != 0)
				return (-1);
		}
		return (0);
	}
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) == NULL)
			return (0);
		home = pw->pw_dir;
	}
	pattern = xasprintf("%s/.ssh/*.pub", home);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc && rc == 0; i++)
			rc = cloudinit_key_file(g.gl_pathv[i], keys, cause);
		globfree(&g);
	}
	free(pattern);
	return (rc);
}

/* A YAML double-quoted scalar. */
static void
cloudinit_quote(char **buf, size_t *len, size_t *cap, const char *s)
{
	str_appendf(buf, len, cap, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			str_appendf(buf, len, cap, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			str_appendf(buf, len, cap, "\\x%02x",
			    (unsigned char)*s);
		else
			str_appendf(buf, len, cap, "%c", *s);
	}
	str_appendf(buf, len, cap, "\"");
}

/* A VM name as a host name: '_' and '.' are not allowed in a label. */
static char *
cloudinit_hostname(const char *name)
{
	char	*h = xstrdup(name), *p;

	for (p = h; *p != '\0'; p++) {
		if (*p == '_' || *p == '.')
			*p = '-';
	}
	return (h);
}

char *
cloudinit_meta_data(const struct cloudinit *ci)
{
	char	*host, *out;

	host = cloudinit_hostname(ci->hostname);
	out = xasprintf("instance-id: %s\nlocal-hostname: %s\n",
	    ci->instance_id, host);
	free(host);
	return (out);
}

char *
cloudinit_user_data(const struct cloudinit *ci)
{
	char	*buf = NULL, *host;
	size_t	 len = 0, cap = 0, i;

	host = cloudinit_hostname(ci->hostname);
	str_appendf(&buf, &len, &cap, "#cloud-config\n"
	    "# Written by vmdesk.\n"
	    "hostname: %s\n"
	    "manage_etc_hosts: true\n"
	    "users:\n"
	    "  - name: %s\n"
	    "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n"
	    "    shell: /bin/sh\n", host, ci->user);
	free(host);
	if (ci->password_hash != NULL) {
		str_appendf(&buf, &len, &cap, "    lock_passwd: false\n"
		    "    passwd: ");
		cloudinit_quote(&buf, &len, &cap, ci->password_hash);
		str_appendf(&buf, &len, &cap, "\n");
	}
	if (ci->keys != NULL && ci->keys->n > 0) {
		str_appendf(&buf, &len, &cap, "    ssh_authorized_keys:\n");
		for (i = 0; i < ci->keys->n; i++) {
			str_appendf(&buf, &len, &cap, "      - ");
			cloudinit_quote(&buf, &len, &cap, ci->keys->v[i]);
			str_appendf(&buf, &len, &cap, "\n");
		}
	}
	str_appendf(&buf, &len, &cap, "ssh_pwauth: %s\n",
	    ci->password_hash != NULL ? "true" : "false");
	if (ci->runcmds != NULL && ci->runcmds->n > 0) {
		str_appendf(&buf, &len, &cap, "runcmd:\n");
		for (i = 0; i < ci->runcmds->n; i++) {
			str_appendf(&buf, &len, &cap, "  - ");
			cloudinit_quote(&buf, &len, &cap, ci->runcmds->v[i]);
			str_appendf(&buf, &len, &cap, "\n");
		}
	}
	return (buf);
}

static int
cloudinit_add(struct archive *a, const char *name, const char *text,
    char **cause)
{
	struct archive_entry	*e;
	size_t			 len = strlen(text);
	int			 rc = 0;

	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, text, len) != (la_ssize_t)len) {
		*cause = xasprintf("%s: %s", name, archive_error_string(a));
		rc = -1;
	}
	archive_entry_free(e);
	return (rc);
}

/* The ISO: "cidata", Rock Ridge and Joliet names, written beside path. */
static int
cloudinit_write_iso(const char *path, const char *meta, const char *user,
    char **cause)
{
	struct archive	*a;
	char		*tmp, *why = NULL;
	int		 rc = -1, fd;

	if (lazy_archive_load(cause) != 0)
		return (-1);
	tmp = xasprintf("%s.tmp", path);
	a = archive_write_new();
	/* It may hold a password hash: the owner's alone, from the start. */
	fd = open(tmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC|O_NOFOLLOW, 0600);
	if (fd == -1 || fchmod(fd, 0600) != 0) {
		why = xstrdup(strerror(errno));
		goto out;
	}
	if (archive_write_set_format_iso9660(a) != ARCHIVE_OK ||
	    archive_write_set_format_option(a, "iso9660", "volume-id",
	    "cidata") != ARCHIVE_OK ||
	    archive_write_set_format_option(a, "iso9660", "rockridge",
	    "useful") != ARCHIVE_OK ||
	    archive_write_set_format_option(a, "iso9660", "joliet",
	    "1") != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		why = xstrdup(archive_error_string(a));
		goto out;
	}
	if (cloudinit_add(a, "meta-data", meta, &why) != 0 ||
	    cloudinit_add(a, "user-data", user, &why) != 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		why = xstrdup(archive_error_string(a));
		goto out;
	}
	if (fsync(fd) != 0 || rename(tmp, path) != 0) {
		why = xstrdup(strerror(errno));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(a);
	if (fd != -1)
		close(fd);
	if (rc != 0) {
		unlink(tmp);
		*cause = xasprintf("cloud-init seed %s: %s", path,
		    why != NULL ? why : "cannot write");
		free(why);
	}
	free(tmp);
	return (rc);
}

int
cloudinit_write_seed(const char *path, const struct cloudinit *ci,
    char **cause)
{
	char	*meta, *user;
	int	 rc;

	meta = cloudinit_meta_data(ci);
	user = cloudinit_user_data(ci);
	rc = cloudinit_write_iso(path, meta, user, cause);
	free(meta);
	free(user);
	return (rc);
}

char *
cloudinit_read_member(const char *path, const char *member, char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	char			*buf = NULL;
	la_int64_t		 size;
	la_ssize_t		 n;
	int			 r;

	if (lazy_archive_load(cause) != 0)
		return (NULL);
	a = archive_read_new();
	archive_read_support_format_iso9660(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		*cause = xasprintf("%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return (NULL);
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), member) != 0)
			continue;
		size = archive_entry_size(e);
		if (size < 0 || size > CLOUDINIT_MAX_MEMBER)
			break;
		buf = xmalloc((size_t)size + 1);
		n = archive_read_data(a, buf, (size_t)size);
		if (n != size) {
			free(buf);
			buf = NULL;
			break;
		}
		buf[size] = '\0';
		break;
	}
	if (buf == NULL)
		*cause = xasprintf("%s: no readable %s in the seed", path,
		    member);
	archive_read_free(a);
	return (buf);
}

int
cloudinit_rewrite_seed(const char *from, const char *to, const char *hostname,
    const char *instance_id, char **cause)
{
	struct cloudinit	 ci;
	char			*user, *meta, *p, *host, *buf = NULL;
	size_t			 len = 0, cap = 0;
	int			 rc;

	if ((user = cloudinit_read_member(from, "user-data", cause)) == NULL)
		return (-1);
	/* The top-level "hostname:" line is the only one that changes. */
	host = cloudinit_hostname(hostname);
	for (p = user; *p != '\0'; ) {
		char	*nl = strchr(p, '\n');
		size_t	 n = nl != NULL ? (size_t)(nl - p + 1) : strlen(p);

		if (strncmp(p, "hostname:", 9) == 0)
			str_appendf(&buf, &len, &cap, "hostname: %s\n", host);
		else
			str_appendf(&buf, &len, &cap, "%.*s", (int)n, p);
		p += n;
	}
	free(host);
	free(user);
	memset(&ci, 0, sizeof ci);
	ci.hostname = hostname;
	ci.instance_id = instance_id;
	meta = cloudinit_meta_data(&ci);
	rc = cloudinit_write_iso(to, meta, buf != NULL ? buf : "", cause);
	free(meta);
	free(buf);
	return (rc);
}

/* The lines around the boot commands vmdesk keeps in a seed's user-data. */
#define CLOUDINIT_BOOTCMD_BEGIN	"# vmdesk bootcmd: begin\n"
#define CLOUDINIT_BOOTCMD_END	"# vmdesk bootcmd: end\n"

/* text without the block between the markers, then cmds' block. */
static char *
cloudinit_bootcmd_block(const char *text, const struct strv *cmds)
{
	const char	*b, *e;
	char		*buf = NULL;
	size_t		 len = 0, cap = 0, i;

	if ((b = strstr(text, CLOUDINIT_BOOTCMD_BEGIN)) != NULL &&
	    (e = strstr(b, CLOUDINIT_BOOTCMD_END)) != NULL) {
		str_appendf(&buf, &len, &cap, "%.*s%s", (int)(b - text), text,
		    e + strlen(CLOUDINIT_BOOTCMD_END));
	} else
		str_appendf(&buf, &len, &cap, "%s", text);
	if (cmds->n == 0)
		return (buf);
	if (len > 0 && buf[len - 1] != '\n')
		str_appendf(&buf, &len, &cap, "\n");
	str_appendf(&buf, &len, &cap, CLOUDINIT_BOOTCMD_BEGIN "bootcmd:\n");
	for (i = 0; i < cmds->n; i++) {
		str_appendf(&buf, &len, &cap, "  - ");
		cloudinit_quote(&buf, &len, &cap, cmds->v[i]);
		str_appendf(&buf, &len, &cap, "\n");
	}
	str_appendf(&buf, &len, &cap, CLOUDINIT_BOOTCMD_END);
	return (buf);
}

int
cloudinit_set_bootcmds(const char *seed, const struct strv *cmds,
    char **cause)
{
	char	*meta, *user, *text;
	int	 rc;

	if ((meta = cloudinit_read_member(seed, "meta-data", cause)) == NULL)
		return (-1);
	if ((user = cloudinit_read_member(seed, "user-data", cause)) == NULL) {
		free(meta);
		return (-1);
	}
	text = cloudinit_bootcmd_block(user, cmds);
	rc = cloudinit_write_iso(seed, meta, text, cause);
	free(text);
	free(user);
	free(meta);
	return (rc);
}
