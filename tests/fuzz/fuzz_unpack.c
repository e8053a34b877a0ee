/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a downloaded image that is compressed or an archive
 * (xz, gz, bz2, zstd, tar, zip): member names and headers, sizes, types.
 * Whatever happens, nothing may be written outside the output file.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "images/unpack.h"

/* The folder holds the input and, at most, the output. */
static void
fuzz_check_folder(const char *dir)
{
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    strcmp(de->d_name, "in") != 0 &&
		    strcmp(de->d_name, "out.img") != 0)
			abort();	/* something escaped or was left */
	}
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*in;
	char		 dir[PATH_MAX], out[PATH_MAX], *cause = NULL;
	char		*slash;

	in = fuzz_write_file("in", data, len);
	snprintf(dir, sizeof dir, "%s", in);
	if ((slash = strrchr(dir, '/')) == NULL)
		abort();
	*slash = '\0';
	snprintf(out, sizeof out, "%s/out.img", dir);
	if (unpack_file(in, "fuzz", NULL, out, NULL, NULL, &cause) != 0) {
		free(cause);
		if (access(out, F_OK) == 0)
			abort();	/* a failure leaves no output */
	}
	fuzz_check_folder(dir);
	unlink(out);
	return (0);
}
