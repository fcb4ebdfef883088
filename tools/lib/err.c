// SPDX-License-Identifier: GPL-2.0
/* libpodnet: the error line of a run (err.h). */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

const char *err_prog = "podnet";

static char errbuf[1024];

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

const char *fail_msg(void)
{
	return errbuf[0] ? errbuf : "unknown error";
}

void warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", err_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
