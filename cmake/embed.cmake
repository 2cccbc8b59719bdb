# Turns the binary file IN into a C source OUT defining
#   const unsigned char pss_descriptor_set[]; const unsigned long pss_descriptor_set_len;
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* generated from ${IN}: do not edit */\n"
  "const unsigned char pss_descriptor_set[] = {\n${body}\n};\n"
  "const unsigned long pss_descriptor_set_len = ${bytes};\n")
