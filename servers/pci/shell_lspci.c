/* The shell's lspci command (SHELL_COMMANDS in servers/shell/shell.h):
 * linked into the shell, a client of the PCI server (list) and of the
 * supervisor (the names of the servers that drive each function). */
#include <stdio.h>

#include <kestrel/error.h>
#include <kestrel/proto/pci.h>
#include <kestrel/proto/supervisor.h>

#include "server.h"
#include "../shell/shell.h"

PROTO_CLIENT(PCI_OPS)
PROTO_CLIENT(SUP_OPS)

/* Common classes by class and subclass (0xFF: any subclass of the class,
 * after the exact ones). */
static const struct {
	uint8_t cl_class, cl_subclass;
	const char *cl_name;
} classes[] = {
	{ 0x01, 0x00, "SCSI storage" }, { 0x01, 0x01, "IDE storage" },
	{ 0x01, 0x06, "SATA storage" }, { 0x01, 0x08, "NVMe storage" },
	{ 0x01, 0xFF, "storage" },      { 0x02, 0x00, "Ethernet" },
	{ 0x02, 0xFF, "network" },      { 0x03, 0x00, "VGA" },
	{ 0x03, 0xFF, "display" },      { 0x04, 0xFF, "multimedia" },
	{ 0x05, 0xFF, "memory" },       { 0x06, 0x00, "host bridge" },
	{ 0x06, 0x01, "ISA bridge" },   { 0x06, 0x04, "PCI bridge" },
	{ 0x06, 0xFF, "bridge" },       { 0x07, 0xFF, "communication" },
	{ 0x08, 0xFF, "system" },       { 0x0C, 0x03, "USB" },
	{ 0x0C, 0x05, "SMBus" },        { 0x0C, 0xFF, "serial bus" },
	{ 0x00, 0xFF, "unclassified" }, { 0xFF, 0xFF, "unassigned class" },
};

static const char *class_name(uint8_t class_code, uint8_t subclass)
{
	for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (classes[i].cl_class == class_code &&
		    (classes[i].cl_subclass == subclass || classes[i].cl_subclass == 0xFF))
			return classes[i].cl_name;
	return "other";
}

/* A size in bytes as 4K, 1M, 16M, else bytes. */
static void print_size(uint64_t n)
{
	if (n >= (1ULL << 30) && !(n & ((1ULL << 30) - 1)))
		printf("%luG", n >> 30);
	else if (n >= (1ULL << 20) && !(n & ((1ULL << 20) - 1)))
		printf("%luM", n >> 20);
	else if (n >= 1024 && !(n & 1023))
		printf("%luK", n >> 10);
	else
		printf("%lu", n);
}

static void print_bars(const struct pci_info_rep *r)
{
	for (unsigned b = 0; b < PCI_MAX_BARS; b++) {
		uint64_t a = r->bar_addr[b];

		if (!r->bar_size[b])
			continue;
		if (a & PCI_BAR_IO) {
			printf("  bar %u: io %#lx, %lu ports\n", b, (unsigned long)PCI_BAR_ADDR(a),
			       r->bar_size[b]);
			continue;
		}
		printf("  bar %u: mem %#lx, ", b, (unsigned long)PCI_BAR_ADDR(a));
		print_size(r->bar_size[b]);
		printf("%s%s%s\n", a & PCI_BAR_64 ? ", 64-bit" : "", a & PCI_BAR_PREF ? ", prefetchable" : "",
		       PCI_BAR_ADDR(a) ? "" : " (unassigned)");
	}
}

static void print_irq(const struct pci_info_rep *r)
{
	if (!r->irq_pin && !r->msi && !r->msix)
		return;
	printf("  interrupt:");
	if (r->irq_pin)
		printf(" INT%c line %u", 'A' + r->irq_pin - 1, r->irq_line);
	if (r->msi)
		printf(" MSI at %#x", r->msi);
	if (r->msix)
		printf(" MSI-X at %#x (%u vectors)", r->msix, r->msix_size);
	printf("\n");
}

/* lspci: every function the PCI server found. */
void shell_cmd_lspci(struct shell *sh, int argc, char **argv)
{
	static struct proto_client pci; /* looked up on first use */
	struct pci_info_rep r;
	long e;

	(void)argc;
	(void)argv;
	if (!pci.pc_ep && (e = service_lookup(PCI_SERVICE, &pci)) != E_OK) {
		printf("lspci: no pci service: %s\n", proto_error_text(e));
		return;
	}
	for (uint64_t i = 0; (e = pci_list(&pci, &(struct pci_index_req){ i }, &r)) == E_OK; i++) {
		struct sup_list_rep s;

		printf("%02lx:%02lx.%lu %04x:%04x %s [%02x%02x%02x] rev %u\n", r.bdf >> 8, (r.bdf >> 3) & 31,
		       r.bdf & 7, r.vendor, r.device, class_name(r.class_code, r.subclass), r.class_code,
		       r.subclass, r.prog_if, r.revision);
		print_bars(&r);
		print_irq(&r);
		if (r.driver && sup_list(&sh->sh_sup, &(struct sup_index_req){ r.driver - 1 }, &s) == E_OK) {
			s.name[SERVER_NAME_LEN - 1] = '\0';
			printf("  driver: %s\n", s.name);
		}
	}
	if (e != E_NOT_FOUND)
		printf("lspci: %s\n", proto_error_text(e));
}
