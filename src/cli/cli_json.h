/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON output of the command line, as people and scripts read it. */
#ifndef VMDESK_CLI_CLI_JSON_H
#define VMDESK_CLI_CLI_JSON_H

#include <stdio.h>

#include <jansson.h>

/*
 * Write a value to a stream exactly as json_dumps(JSON_INDENT(2)) would,
 * without building the text first. No newline after it.
 */
void	cli_json_write(FILE *, const json_t *);

#endif
