# tests/e2e/tarlib.py - tar members laid out exactly as diag writes a bundle's
# (ustar, mode 0644, owner 0:0, no user or group names), for the tests that
# build or rebuild bundles with python
def header(name, size, mtime):
    h = bytearray(512)
    h[0:len(name)] = name.encode()
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % mtime
    h[156:157] = b"0"
    h[257:265] = b"ustar\x0000"
    h[329:337] = b"0000000\0"
    h[337:345] = b"0000000\0"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pad(n):
    return b"\0" * (-n % 512)


def member(name, data, mtime):
    return header(name, len(data), mtime) + data + pad(len(data))


def end():
    return b"\0" * 1024
