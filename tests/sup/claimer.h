/* suptest's PCI roles and checks (claimer.c). */
#pragma once

/* As "claimer": claims edu and checks it; then holds it for ever. */
int claimer_run(void (*tap)(int ok, const char *name, long detail));

/* As "twin": the same pci line as claimer's; finds the device taken. */
int claimer_twin(void (*tap)(int ok, const char *name, long detail));

/* As the test client, without a pci line: claim is refused, list is not. */
void claimer_unclaimed(void (*tap)(int ok, const char *name, long detail));
