/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk type: type text (an argument, or standard input) into a guest. */
#include "config.h"

#include "cli/cli_type.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops/typing.h"
#include "util/xmalloc.h"

/* The most text read from standard input: typing it takes minutes. */
#define CLI_TYPE_MAX	(64 * 1024)

/* Standard input, whole; NULL after saying why. Caller frees. */
static char *
cli_type_stdin(size_t *len)
{
	char	*buf = xmalloc(CLI_TYPE_MAX + 1);
	ssize_t	 n;

	*len = 0;
	while ((n = read(STDIN_FILENO, buf + *len, CLI_TYPE_MAX + 1 -
	    *len)) > 0)
		*len += (size_t)n;
	if (n < 0 || *len > CLI_TYPE_MAX) {
		cli_error("type: standard input %s", n < 0 ?
		    "cannot be read" : "is longer than 64 KiB");
		free(buf);
		return (NULL);
	}
	return (buf);
}

int
cli_type(struct cli *cli, int argc, char **argv)
{
	char	*text, *cause = NULL;
	size_t	 len;
	int	 rc;

	if (cli_want_help("type", argc, argv))
		return (CLI_OK);
	if (argc != 3)
		return (cli_usage("type"));
	if (cli_library(cli) == NULL)
		return (CLI_FAIL);
	if (strcmp(argv[2], "-") == 0) {
		if ((text = cli_type_stdin(&len)) == NULL)
			return (CLI_FAIL);
	} else {
		text = xstrdup(argv[2]);
		len = strlen(text);
	}
	rc = typing_type(cli->lib, argv[1], text, len, &cause);
	free(text);
	if (rc != 0)
		return (cli_fail(cause));
	return (CLI_OK);
}
