/* suptest's protocol-layer part (leasy.c). */
#pragma once

/* As "leasy": serves the prototest protocol; returns only on failure. */
int leasy_serve(void);

/* As the test client: the checks, one TAP line each through tap. */
void leasy_checks(void (*tap)(int ok, const char *name, long detail));
