# @TEST-DOC: The package loads into a bare-mode Zeek (zeek -b): it loads everything it uses.
# @TEST-EXEC: zeek -b $PACKAGE >output 2>&1
# @TEST-EXEC: btest-diff output
