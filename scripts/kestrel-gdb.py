# gdb's knowledge of Kestrel's servers; scripts/gdbinit sources it. See
# docs/debugging.md for a session.
#
# Every user program is linked at the same addresses (libipc/user.ld), so
# gdb holds the symbols of one program at a time, and a breakpoint at a
# user address would stop in whichever task runs that address. This adds:
#
#   info servers            each server: task, generation, address space
#                           (CR3) and ELF; the CPU's is marked *
#   srv [NAME [ELF]]        loads NAME's symbols: new breakpoints in user
#                           code are NAME's (not "server": gdb runs
#                           "server CMD" as CMD, for front ends)
#   break, tbreak           gdb's, except that a breakpoint in user code is
#                           set at the address the loaded symbols give and
#                           stops only in that server's address space
#   info server-breakpoints those breakpoints, with their hits elsewhere
#   $_server()              the server the CPU is in ("" if none)
#   $_in_server(NAME)       whether the CPU is in NAME's address space
#
# and, at every stop, loads the symbols of the server the CPU is in.
#
# What it reads, all through the kernel's symbols and the public headers:
# the kernel's task table (tasks[]: each live task's page-table root and
# CR3); each task's server_info page, which the supervisor maps read-only
# at SERVER_INFO_VADDR into every server it starts (its name and
# generation: include/kestrel/proto/supervisor.h; the first task has its
# boot_info there instead); and the boot modules the kernel recorded
# (boot_info in kernel/main.c), the manifest among them, whose `binary`
# lines name each server's ELF. A server is known by its own page, not by
# a CR3 remembered from before, so restarts (a new task, a new CR3) need
# nothing: a breakpoint in hello stops in every later hello.
import collections
import os
import re

import gdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_ELF = os.path.join(ROOT, "build/kernel/kernel.elf")


def header_value(header, name):
    """A #define's number in one of the tree's headers (the one source)."""
    with open(os.path.join(ROOT, header)) as f:
        m = re.search(r"^#define\s+%s\s+(0x[0-9a-fA-F]+|[0-9]+)" % name, f.read(), re.M)
    if not m:
        raise gdb.GdbError("kestrel: no %s in %s" % (name, header))
    return int(m.group(1), 0)


SERVER_INFO_VADDR = header_value("include/kestrel/proto/supervisor.h", "SERVER_INFO_VADDR")
SERVER_INFO_MAGIC = header_value("include/kestrel/proto/supervisor.h", "SERVER_INFO_MAGIC")
BOOT_INFO_MAGIC = header_value("include/kestrel/boot.h", "BOOT_INFO_MAGIC")
USER_TOP = header_value("include/kestrel/boot.h", "USER_TOP")
PTE_ADDR = 0x000FFFFFFFFFF000  # kernel/arch/x86_64/pte.h's frame bits of an entry


def read(addr, size):
    return bytes(gdb.selected_inferior().read_memory(addr, size))


def u64(data, off):
    return int.from_bytes(data[off:off + 8], "little")


def cstr(data):
    return data.split(b"\0", 1)[0].decode("utf-8", "replace")


def offset(type_, path):
    """Byte offset of a field (a.b.c) in a struct type."""
    off = 0
    for name in path.split("."):
        field = next((f for f in type_.strip_typedefs().fields() if f.name == name), None)
        if field is None:
            raise gdb.GdbError("kestrel: %s has no field %s" % (type_, name))
        off += field.bitpos // 8
        type_ = field.type
    return off


def kernel_objfile():
    for o in gdb.objfiles():
        if os.path.realpath(o.filename) == os.path.realpath(KERNEL_ELF):
            return o
    raise gdb.GdbError("kestrel: the kernel's symbols (build/kernel/kernel.elf) are not loaded")


def kernel_symbol(name, static=False):
    o = kernel_objfile()
    sym = o.lookup_static_symbol(name) if static else o.lookup_global_symbol(name)
    if sym is None:
        raise gdb.GdbError("kestrel: no %s in the kernel's symbols" % name)
    return sym.value()


def user_objfile():
    """The objfile of the user program whose symbols are loaded, or None."""
    kernel = os.path.realpath(KERNEL_ELF)
    for o in gdb.objfiles():
        if o.is_valid() and o.filename and os.path.realpath(o.filename) != kernel:
            return o
    return None


# Physical memory, through the kernel's direct map (the kernel half is the
# same in every address space, so this works whichever task the CPU is in).


def phys_read(pa, size):
    return read(int(kernel_symbol("direct_map_offset")) + pa, size)


def translate(root, va):
    """The physical address of user address va in the address space whose
    top-level table is at root, or None if it is not mapped."""
    table = root
    for shift in (39, 30, 21, 12):
        entry = u64(phys_read(table + ((va >> shift) & 511) * 8, 8), 0)
        if not entry & 1:
            return None
        if shift in (30, 21) and entry & 0x80:  # a 1 GiB or 2 MiB page
            return (entry & PTE_ADDR & ~((1 << shift) - 1)) | (va & ((1 << shift) - 1))
        table = entry & PTE_ADDR
    return table | (va & 0xFFF)


def task_read(root, va, size):
    out = b""
    while size > 0:
        pa = translate(root, va)
        chunk = min(size, 4096 - (va & 0xFFF))
        if pa is None:
            return None
        out += phys_read(pa, chunk)
        va, size = va + chunk, size - chunk
    return out


# What the kernel recorded of the boot modules, and the manifest's servers.

Module = collections.namedtuple("Module", "path start end")
_modules = []  # read once: boot_params are read-only once the kernel has them


def modules():
    """The boot modules, [] until the kernel has read them."""
    global _modules
    if not _modules:
        try:
            bp = kernel_symbol("boot_info", static=True)
            found = []
            for i in range(int(bp["bi_nmod"])):
                m = bp["bi_mod"][i]
                words = m["bm_cmdline"].string().split()  # a module's name, then its arguments
                found.append(Module(words[0] if words else "", int(m["bm_start"]), int(m["bm_end"])))
        except gdb.MemoryError:
            return []  # before the kernel's paging: nothing of it to read yet
        _modules = found
    return _modules


def find_module(suffix):
    """The boot module named suffix, as the supervisor's find_module()."""
    for m in modules():
        if m.path == suffix or m.path.endswith("/" + suffix):
            return m
    return None


def manifest_binaries():
    """{server name: binary} from the manifest's server and binary lines
    (servers/supervisor/manifest.h), in the manifest's order."""
    m = find_module("manifest.txt")
    if m is None:
        return {}
    binaries, server = {}, None
    for line in phys_read(m.start, m.end - m.start).decode("utf-8", "replace").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) == 2 and words[0] == "server":
            server = words[1]
            binaries[server] = None
        elif len(words) == 2 and words[0] == "binary" and server:
            binaries[server] = words[1]
    return binaries


def first_task_name():
    mods = modules()
    return os.path.basename(mods[0].path).rsplit(".", 1)[0] if mods else "first task"


def elf_of(name):
    """The ELF a server (or the first task) was loaded from, relative to the
    top of the tree as QEMU was given it; None if unknown."""
    mods = modules()
    if mods and name == first_task_name():
        return mods[0].path
    binary = manifest_binaries().get(name)
    m = find_module(binary) if binary else None
    return m.path if m else None


# Which task is which server: each server's own server_info page.


_layout = {}


def info_layout():
    """(bytes to read, and the offsets of si_magic, si_name, si_generation,
    and si_name's size) of struct server_info, from the user program's
    debug information (every program on the C library has the type)."""
    if user_objfile() is None:
        load_symbols(first_task_name(), elf_of(first_task_name()) or "build/servers/supervisor.elf")
    key = user_objfile().filename
    if key not in _layout:
        try:
            t = gdb.lookup_type("struct server_info")
        except gdb.error:
            raise gdb.GdbError("kestrel: the loaded program's symbols have no struct server_info")
        gen = offset(t, "si_generation")
        _layout[key] = (gen + 8, offset(t, "si_magic"), offset(t, "si_name"), gen, t["si_name"].type.sizeof)
    return _layout[key]


def identify(page):
    """(name, generation) from the bytes at SERVER_INFO_VADDR of a task, or
    None if the task is neither a server nor the first task."""
    if page is None:
        return None
    _, magic, name, gen, name_len = info_layout()
    if u64(page, magic) == SERVER_INFO_MAGIC:
        return cstr(page[name:name + name_len]), u64(page, gen)
    if u64(page, magic) == BOOT_INFO_MAGIC:
        return first_task_name(), None
    return None


def here():
    """(name, generation) of the address space the CPU is in now, or None."""
    try:
        return identify(read(SERVER_INFO_VADDR, info_layout()[0]))
    except gdb.MemoryError:
        return None


Task = collections.namedtuple("Task", "index root cr3 name generation")


def tasks():
    """Every live task of the kernel's table, with who it is."""
    table = kernel_symbol("tasks")
    t = table.type.target()
    live, root, cr3 = offset(t, "t_obj.ko_live"), offset(t, "t_root"), offset(t, "t_cr3")
    size = max(live + 1, root + 8, cr3 + 8)
    base = int(table.address)
    length = info_layout()[0]
    out = []
    for i in range(table.type.range()[1] + 1):
        head = read(base + i * t.sizeof, size)
        if head[live]:
            who = identify(task_read(u64(head, root), SERVER_INFO_VADDR, length))
            out.append(Task(i, u64(head, root), u64(head, cr3), *(who or (None, None))))
    return out


# The symbols gdb holds for user code: the kernel's, plus one program's.

loaded = {"name": None, "path": None}


def load_symbols(name, path):
    """Makes path's symbols gdb's user symbols, for server name."""
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        raise gdb.GdbError("kestrel: no %s (make all builds it)" % path)
    old = user_objfile()
    if old is None or os.path.realpath(old.filename) != os.path.realpath(full):
        if old is not None:
            gdb.execute("remove-symbol-file %s" % old.filename, to_string=True)
        gdb.execute("add-symbol-file %s" % full, to_string=True)
    loaded["name"], loaded["path"] = name, path


def follow(event):
    """On each stop: the symbols of the server the CPU is in, so frames,
    variables and source lines are that program's."""
    if not modules():
        return  # no task yet
    who = here()
    if who is None or who[0] == loaded["name"]:
        return
    path = elf_of(who[0])
    if path is None:
        return
    load_symbols(who[0], path)
    gen = " (generation %d)" % who[1] if who[1] else ""
    print("[kestrel] in %s%s: its symbols now (%s)" % (who[0], gen, path))
    if int(gdb.parse_and_eval("$pc")) < USER_TOP:
        # gdb showed the place with the symbols it had; again with these.
        print("[kestrel] so the place it stopped is:")
        gdb.execute("frame")


gdb.events.stop.connect(follow)


class InfoServers(gdb.Command):
    """Each running server (and the first task): its task in the kernel's
table, generation, address space (the CR3 the kernel loads for it) and
the ELF it was loaded from; then the manifest's servers that are not
running. * marks the address space the CPU is in, [symbols] the program
whose symbols gdb holds (srv NAME changes it)."""

    def __init__(self):
        super().__init__("info servers", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        if not modules():
            print("The kernel has not read its boot modules yet: continue until it has booted.")
            return
        now = here()
        cr3_now = int(gdb.parse_and_eval("$cr3"))
        print("  %-4s  %-16s %4s  %-18s  %s" % ("TASK", "SERVER", "GEN", "CR3", "ELF"))
        running = set()
        for t in tasks():
            running.add(t.name)
            mark = "*" if (t.cr3 & ~0xFFF) == (cr3_now & ~0xFFF) else " "
            elf = elf_of(t.name) if t.name else None
            note = "  [symbols]" if t.name and t.name == loaded["name"] else ""
            print("%s %4d  %-16s %4s  %#018x  %s%s" % (mark, t.index, t.name or "(not a server)",
                                                     t.generation or "-", t.cr3, elf or "?", note))
        for name, binary in manifest_binaries().items():
            if name not in running:
                print("  %4s  %-16s %4s  %-18s  %s  (not running)"
                      % ("-", name, "-", "-", elf_of(name) or binary))
        if now is None:
            print("The CPU is in no server's address space (the kernel's own, or a task of no server).")


class Server(gdb.Command):
    """srv NAME [ELF]: load the symbols of server NAME (the ELF its
manifest block's binary line names, found among the boot modules;
before the kernel has read them, build/servers/NAME.elf; or ELF).
Breakpoints set in user code from then on stop only in NAME.
srv: say whose symbols are loaded. (Not "server": gdb runs "server CMD"
as CMD, for front ends.)"""

    def __init__(self):
        super().__init__("srv", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        words = gdb.string_to_argv(arg)
        if not words:
            if loaded["name"]:
                print("Symbols of %s (%s)." % (loaded["name"], loaded["path"]))
            else:
                print("Only the kernel's symbols are loaded.")
            return
        if len(words) > 2:
            raise gdb.GdbError("usage: srv NAME [ELF]")
        name = words[0]
        path = words[1] if len(words) == 2 else None
        if path is None and modules():
            path = elf_of(name)
            if path is None:
                known = ", ".join([first_task_name()] + list(manifest_binaries()))
                raise gdb.GdbError("kestrel: no server %s (the manifest has %s)" % (name, known))
        if path is None:
            path = "build/servers/%s.elf" % name
        load_symbols(name, path)
        print("Symbols of %s (%s): breakpoints in user code now stop only in %s." % (name, path, name))

    def complete(self, text, word):
        try:
            names = [first_task_name()] + list(manifest_binaries()) if modules() else []
        except gdb.error:
            names = []
        return [n for n in names if n.startswith(word or "")]


# Breakpoints in servers.

ServerBreakpoint = collections.namedtuple("ServerBreakpoint", "server address where")
server_breakpoints = {}  # gdb's number -> ServerBreakpoint
passed_over = collections.Counter()  # (server, address) -> stops in another address space


class InServer(gdb.Function):
    """$_in_server(NAME): 1 if the CPU is in server NAME's address space
(its server_info page names it), else 0. The condition of breakpoints
that break sets in user code."""

    def __init__(self):
        super().__init__("_in_server")

    def invoke(self, name):
        who = here()
        want = name.string()
        if who is not None and who[0] == want:
            return 1
        passed_over[(want, int(gdb.parse_and_eval("$pc")))] += 1
        return 0


class ServerName(gdb.Function):
    """$_server(): the name of the server whose address space the CPU is
in, or "" (the kernel's own address space, or a task of no server)."""

    def __init__(self):
        super().__init__("_server")

    def invoke(self):
        who = here()
        return who[0] if who else ""


def split_condition(arg):
    m = re.match(r"^(.*?)(?:^|\s)if(?:\s+(.*)|\s*)$", arg.strip(), re.S)
    return (m.group(1).strip(), (m.group(2) or "").strip()) if m else (arg.strip(), "")


def resolve(spec):
    """The addresses gdb's own break would set spec at."""
    probe = gdb.Breakpoint(spec, internal=True)
    try:
        return [loc.address for loc in probe.locations]
    finally:
        probe.delete()


def describe(address):
    sal = gdb.find_pc_line(address)
    block = gdb.block_for_pc(address)
    func = block.function if block else None
    while block and not func:
        block = block.superblock
        func = block.function if block else None
    where = func.name if func else "%#x" % address
    if sal.symtab:
        where += " at %s:%d" % (sal.symtab.filename, sal.line)
    return where


class ServerBreak(gdb.Command):
    """break LOCATION [if CONDITION]: gdb's break, aware of servers. In the
kernel it is gdb's own. In user code, where every program has its
code at the same addresses, it is a breakpoint of the server whose
symbols are loaded (srv NAME): set at the address those symbols
give for LOCATION, and with the condition $_in_server("NAME"), so it
stops only in that server's address space, in every instance of it
(restarts included), whichever server's symbols are loaded later."""

    def __init__(self, name, temporary):
        super().__init__(name, gdb.COMMAND_BREAKPOINTS, gdb.COMPLETE_LOCATION)
        self.temporary = temporary

    def invoke(self, arg, from_tty):
        spec, cond = split_condition(arg)
        if not spec:
            spec = "*%#x" % gdb.selected_frame().pc()
        addresses = resolve(spec)
        if not addresses:
            raise gdb.GdbError("No location %s in the kernel's symbols or in %s's (srv NAME loads "
                               "another server's)" % (spec, loaded["name"] or "a server"))
        if all(a >= USER_TOP for a in addresses):
            bp = gdb.Breakpoint(spec, temporary=self.temporary)
            if cond:
                bp.condition = cond
            return
        server = loaded["name"]
        if server is None:
            raise gdb.GdbError("%s is in user code, and no server's symbols are loaded: srv NAME first"
                               % spec)
        for address in addresses:
            bp = gdb.Breakpoint("*%#x" % address, temporary=self.temporary)
            if address >= USER_TOP:
                if cond:
                    bp.condition = cond
                continue
            test = '$_in_server("%s")' % server
            bp.condition = "%s && (%s)" % (test, cond) if cond else test
            server_breakpoints[bp.number] = ServerBreakpoint(server, address, describe(address))
            print("Breakpoint %d is %s's: it stops only in %s's address space." % (bp.number, server, server))


class InfoServerBreakpoints(gdb.Command):
    """The breakpoints break set in servers: each one's server, address,
where it is in that server's program, how often it stopped there and how
often another address space ran the address (and it went on)."""

    def __init__(self):
        super().__init__("info server-breakpoints", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        live = {bp.number: bp for bp in gdb.breakpoints()}
        rows = [(n, sb) for n, sb in sorted(server_breakpoints.items()) if n in live]
        if not rows:
            print("No breakpoints in servers.")
            return
        print("%-4s %-16s %-18s %6s %11s  %s"
              % ("Num", "Server", "Address", "Hits", "Passed over", "What"))
        for n, sb in rows:
            print("%-4d %-16s %#018x %6d %11d  %s" % (n, sb.server, sb.address, live[n].hit_count,
                                                    passed_over[(sb.server, sb.address)], sb.where))


InfoServers()
Server()
InServer()
ServerName()
ServerBreak("break", False)
ServerBreak("tbreak", True)
InfoServerBreakpoints()
