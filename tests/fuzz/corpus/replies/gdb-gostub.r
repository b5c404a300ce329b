+$PacketSize=20* ;QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+;qXfer:auxv:read+;qXfer:exec-file:read+;qXfer:siginfo:read+;swbreak+;hwbreak+;vContSupported+;no-resumed+;QPassSignals+;QProgramSignals+;multiprocess+;QThreadEvents+;QThreadSuffixSupported+;QListThreadsInStopReply+#6b
+$#00
+$OK#9a
$OK#9a
$OK#9a
$m<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target>\n<architecture>i386:x86-64</architecture>\n<osabi>GNU/Linux</osabi>\n<feature name="org.gnu.gdb.i386.core">\n<flags id="i386_eflags" size="4">\n<field name="CF" start="0" end="0" type="bool"/>\n<field name="" start="1" end="1" type="bool"/>\n<field name="PF" start="2" end="2" type="bool"/>\n<field name="AF" start="4" end="4" type="bool"/>\n<field name="ZF" start="6" end="6" type="bool"/>\n<field name="SF" start="7" end="7" type="bool"/>\n<field name="TF" start="8" end="8" type="bool"/>\n<field name="IF" start="9" end="9" type="bool"/>\n<field name="DF" start="10" end="10" type="bool"/>\n<field name="OF" start="11" end="11" type="bool"/>\n<field name="NT" start="14" end="14" type="bool"/>\n<field name="RF" start="16" end="16" type="bool"/>\n<field name="VM" start="17" end="17" type="bool"/>\n<field name="AC" start="18" end="18" type="bool"/>\n<field name="VIF" start="19" end="19" type="bool"/>\n<field name="VIP" start="20" end="20" type="bool"/>\n<field name="ID" start="21" end="21" type="bool"/>\n</flags>\n<reg name="rax" bitsize="64" type="int64" regnum="0"/>\n<reg name="rbx" bitsize="64" type="int64" regnum="1"/>\n<reg name="rcx" bitsize="64" type="int64" regnum="2"/>\n<reg name="rdx" bitsize="64" type="int64" regnum="3"/>\n<reg name="rsi" bitsize="64" type="int64" regnum="4"/>\n<reg name="rdi" bitsize="64" type="int64" regnum="5"/>\n<reg name="rbp" bitsize="64" type="data_ptr" regnum="6"/>\n<reg name="rsp" bitsize="64" type="data_ptr" regnum="7"/>\n<reg name="r8" bitsize="64" type="int64" regnum="8"/>\n<reg name="r9" bitsize="64" type="int64" regnum="9"/>\n<reg name="r10" bitsize="64" type="int64" regnum="10"/>\n<reg name="r11" bitsize="64" type="int64" regnum="11"/>\n<reg name="r12" bitsize="64" type="int64" regnum="12"/>\n<reg name="r13" bitsize="64" type="int64" regnum="13"/>\n<reg name="r14" bitsize="64" type="int64" regnum="14"/>\n<reg name="r15" bitsize="64" type="int64" regnum="15"/>\n<reg name="rip" bitsize="64" type="code_ptr" regnum="16"/>\n<reg name="eflags" bitsize="32" type="i386_eflags" regnum="17"/>\n<reg name="cs" bitsize="32" type="int32" regnum="18"/>\n<reg name="ss" bitsize="32" type="int32" regnum="19"/>\n<reg name="ds" bitsize="32" type="int32" regnum="20"/>\n<reg name="es" bitsize="32" type="int32" regnum="21"/>\n<reg name="fs" bitsize="32" type="int32" regnum="22"/>\n<reg name="gs" bitsize="32" type="int32" regnum="23"/>\n<reg name="st0" bitsize="80" type="i387_ext" regnum="24"/>\n<reg name="st1" bitsize="80" type="i387_ext" regnum="25"/>\n<reg name="st2" bitsize="80" type="i387_ext" regnum="26"/>\n<reg name="st3" bitsize="80" type="i387_ext" regnum="27"/>\n<reg name="st4" bitsize="80" type="i387_ext" regnum="28"/>\n<reg name="st5" bitsize="80" type="i387_ext" regnum="29"/>\n<reg name="st6" bitsize="80" type="i387_ext" regnum="30"/>\n<reg name="st7" bitsize="80" type="i387_ext" regnum="31"/>\n<reg name="fctrl" bitsize="32" type="int" regnum="32" group="float"/>\n<reg name="fstat" bitsize="32" type="int" regnum="33" group="float"/>\n<reg name="ftag" bitsize="32" type="int" regnum="34" group="float"/>\n<reg name="fiseg" bitsize="32" type="int" regnum="35" group="float"/>\n<reg name="fioff" bitsize="32" type="int" regnum="36" group="float"/>\n<reg name="foseg" bitsize="32" type="int" regnum="37" group="float"/>\n<reg name="fooff" bitsize="32" type="int" regnum="38" group="float"/>\n<reg name="fop" bitsize="32" type="int" regnum="39" group="float"/>\n</feature>\n<feature name="org.gnu.gdb.i386.sse">\n<vector id="v8bf16" type="bfloat16" count="8"/>\n<vector id="v8h" type="ieee_half" count="8"/>\n<vector id="v4f" type="ieee_single" count="4"/>\n<vector id="v2d" type="ieee_double" count="2"/>\n<vector id="v16i8" type="int8" count="16"/>\n<vector id="v8i16" type="int16" count="8"/>\n<vector id="v4i32" type="int32" count="4"/>\n<vector id="v2i64" type="int64" count="2"/>\n<union id="vec128">\n<field name="v8_bfloat16" type="v8bf16"/>\n<field name="v8_half" type="v8h"/>\n<field name="v4_float" type="v4f"/>\n<field name="v2_double" type="v2d"/>\n<field name="v16_int8" type="v16i8"/>\n<field name="v8_int16" type=#2b
$l"v8i16"/>\n<field name="v4_int32" type="v4i32"/>\n<field name="v2_int64" type="v2i64"/>\n<field name="uint128" type="uint128"/>\n</union>\n<flags id="i386_mxcsr" size="4">\n<field name="IE" start="0" end="0" type="bool"/>\n<field name="DE" start="1" end="1" type="bool"/>\n<field name="ZE" start="2" end="2" type="bool"/>\n<field name="OE" start="3" end="3" type="bool"/>\n<field name="UE" start="4" end="4" type="bool"/>\n<field name="PE" start="5" end="5" type="bool"/>\n<field name="DAZ" start="6" end="6" type="bool"/>\n<field name="IM" start="7" end="7" type="bool"/>\n<field name="DM" start="8" end="8" type="bool"/>\n<field name="ZM" start="9" end="9" type="bool"/>\n<field name="OM" start="10" end="10" type="bool"/>\n<field name="UM" start="11" end="11" type="bool"/>\n<field name="PM" start="12" end="12" type="bool"/>\n<field name="FZ" start="15" end="15" type="bool"/>\n</flags>\n<reg name="xmm0" bitsize="128" type="vec128" regnum="40"/>\n<reg name="xmm1" bitsize="128" type="vec128" regnum="41"/>\n<reg name="xmm2" bitsize="128" type="vec128" regnum="42"/>\n<reg name="xmm3" bitsize="128" type="vec128" regnum="43"/>\n<reg name="xmm4" bitsize="128" type="vec128" regnum="44"/>\n<reg name="xmm5" bitsize="128" type="vec128" regnum="45"/>\n<reg name="xmm6" bitsize="128" type="vec128" regnum="46"/>\n<reg name="xmm7" bitsize="128" type="vec128" regnum="47"/>\n<reg name="xmm8" bitsize="128" type="vec128" regnum="48"/>\n<reg name="xmm9" bitsize="128" type="vec128" regnum="49"/>\n<reg name="xmm10" bitsize="128" type="vec128" regnum="50"/>\n<reg name="xmm11" bitsize="128" type="vec128" regnum="51"/>\n<reg name="xmm12" bitsize="128" type="vec128" regnum="52"/>\n<reg name="xmm13" bitsize="128" type="vec128" regnum="53"/>\n<reg name="xmm14" bitsize="128" type="vec128" regnum="54"/>\n<reg name="xmm15" bitsize="128" type="vec128" regnum="55"/>\n<reg name="mxcsr" bitsize="32" type="i386_mxcsr" regnum="56" group="vector"/>\n</feature>\n<feature name="org.gnu.gdb.i386.linux">\n<reg name="orig_rax" bitsize="64" type="int" regnum="57"/>\n</feature>\n<feature name="org.gnu.gdb.i386.segments">\n<reg name="fs_base" bitsize="64" type="int" regnum="58"/>\n<reg name="gs_base" bitsize="64" type="int" regnum="59"/>\n</feature>\n<feature name="org.gnu.gdb.i386.avx">\n<reg name="ymm0h" bitsize="128" type="uint128" regnum="60"/>\n<reg name="ymm1h" bitsize="128" type="uint128" regnum="61"/>\n<reg name="ymm2h" bitsize="128" type="uint128" regnum="62"/>\n<reg name="ymm3h" bitsize="128" type="uint128" regnum="63"/>\n<reg name="ymm4h" bitsize="128" type="uint128" regnum="64"/>\n<reg name="ymm5h" bitsize="128" type="uint128" regnum="65"/>\n<reg name="ymm6h" bitsize="128" type="uint128" regnum="66"/>\n<reg name="ymm7h" bitsize="128" type="uint128" regnum="67"/>\n<reg name="ymm8h" bitsize="128" type="uint128" regnum="68"/>\n<reg name="ymm9h" bitsize="128" type="uint128" regnum="69"/>\n<reg name="ymm10h" bitsize="128" type="uint128" regnum="70"/>\n<reg name="ymm11h" bitsize="128" type="uint128" regnum="71"/>\n<reg name="ymm12h" bitsize="128" type="uint128" regnum="72"/>\n<reg name="ymm13h" bitsize="128" type="uint128" regnum="73"/>\n<reg name="ymm14h" bitsize="128" type="uint128" regnum="74"/>\n<reg name="ymm15h" bitsize="128" type="uint128" regnum="75"/>\n</feature>\n</target>\n#65
$l!\x00*"\x00\x00p\xe5\xcb\xf8\x7f\x00\x003\x00*"\x00\xb0.\x00*"\x10\x00*"\x00\xff\xfb\x8b\x1f\x00* \x06\x00*"\x00\x00\x10\x00*"\x11\x00*"\x00d\x00*"\x00\x03\x00*"\x00@\x00@\x00*!\x04\x00*"\x008\x00*"\x00\x05\x00*"\x00\x07\x00*"\x00\x07\x00*+\b\x00*+\t\x00*"\x00@VF\x00*!\v\x00*+\f\x00*+\r\x00*+\x0e\x00*+\x17\x00*+\x19\x00*"\x00Y\x04\xcd\xae\xfd\x7f\x00\x00\x1a\x00*"\x00\x02\x00*"\x00\x1f\x00*"\x00\xcd\x1f\xcd\xae\xfd\x7f\x00\x00\x0f\x00*"\x00i\x04\xcd\xae\xfd\x7f\x00\x00\x1b\x00*"\x00\x1c\x00*"\x00\x1c\x00*"\x00 \x00*3#05
$#00
$T0006:60ffccaefd7f0* ;07:18ffccaefd7f0* ;10:035e460*&;thread:p6c5f.6c5f;#5c
$l<?xml version="1.0"?>\n<threads>\n<thread id="p6c5f.6c5f" name="service"/>\n<thread id="p6c5f.6c62" name="service"/>\n<thread id="p6c5f.6c63" name="service"/>\n<thread id="p6c5f.6c64" name="service"/>\n</threads>\n#b4
$1#31
$l/tmp/build-fault/tests/targets/bin/service#87
$OK#9a
$#00
$l!\x00*"\x00\x00p\xe5\xcb\xf8\x7f\x00\x003\x00*"\x00\xb0.\x00*"\x10\x00*"\x00\xff\xfb\x8b\x1f\x00* \x06\x00*"\x00\x00\x10\x00*"\x11\x00*"\x00d\x00*"\x00\x03\x00*"\x00@\x00@\x00*!\x04\x00*"\x008\x00*"\x00\x05\x00*"\x00\x07\x00*"\x00\x07\x00*+\b\x00*+\t\x00*"\x00@VF\x00*!\v\x00*+\f\x00*+\r\x00*+\x0e\x00*+\x17\x00*+\x19\x00*"\x00Y\x04\xcd\xae\xfd\x7f\x00\x00\x1a\x00*"\x00\x02\x00*"\x00\x1f\x00*"\x00\xcd\x1f\xcd\xae\xfd\x7f\x00\x00\x0f\x00*"\x00i\x04\xcd\xae\xfd\x7f\x00\x00\x1b\x00*"\x00\x1c\x00*"\x00\x1c\x00*"\x00 \x00*3#05
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$F0#76
$F0#76
$F65a;0040*!-00610*  r-xp 0*"00 fe:00 11206962 *7/tmp/build-fault/tests/targets/bin/service\n00610* -00808000 r--p 00210*  fe:00 11206962 *7/tmp/build-fault/tests/targets/bin/service\n00808000-00845000 rw-p 00408000 fe:00 11206962 *7/tmp/build-fault/tests/targets/bin/service\n00845000-0087e000 rw-p 0*"00 00:00 0 \nc0*%-c00040*! rw-p 0*"00 00:00 0 \nc00040*!-c0040*" ---p 0*"00 00:00 0 \n7ff8a48ef000-7ff8a6c0*! rw-p 0*"00 00:00 0 \n7ff8a6c0*!-7ff8a70*" rw-p 0*"00 00:00 0 \n7ff8a70*"-7ff8a7007000 rw-p 0*"00 00:00 0 \n7ff8a7007000-7ff8b7580*  ---p 0*"00 00:00 0 \n7ff8b7580* -7ff8b7581000 rw-p 0*"00 00:00 0 \n7ff8b7581000-7ff8c9430*  ---p 0*"00 00:00 0 \n7ff8c9430* -7ff8c9431000 rw-p 0*"00 00:00 0 \n7ff8c9431000-7ff8cb806000 ---p 0*"00 00:00 0 \n7ff8cb806000-7ff8cb807000 rw-p 0*"00 00:00 0 \n7ff8cb807000-7ff8cbc0*! ---p 0*"00 00:00 0 \n7ff8cbc91000-7ff8cbcf1000 rw-p 0*"00 00:00 0 \n7ff8cbcf1000-7ff8cbd71000 ---p 0*"00 00:00 0 \n7ff8cbd71000-7ff8cbd72000 rw-p 0*"00 00:00 0 \n7ff8cbd72000-7ff8cbdf1000 ---p 0*"00 00:00 0 \n7ff8cbdf1000-7ff8cbe51000 rw-p 0*"00 00:00 0 \n7ff8cbe51000-7ff8cbe55000 r--p 0*"00 00:00 0 *6[vvar]\n7ff8cbe55000-7ff8cbe57000 r--p 0*"00 00:00 0 *6[vvar_vclock]\n7ff8cbe57000-7ff8cbe59000 r-xp 0*"00 00:00 0 *6[vdso]\n7ffdaecb1000-7ffdaecd2000 rw-p 0*"00 00:00 0 *6[stack]\nf*&60*!-f*&601000 --xp 0*"00 00:00 0 *.[vsyscall]\n#af
$F0;#b1
$F0#76
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$7f454c460201010*/3003e00010*240*-160*0400038000400400011001000#72
$010*"050*R42150*(42150**10**20*"040*"40040*(40040*(40040*(40010*(40010*)80*+40*"040*"a8050*(a8050*(a8050*(70*+70*,40**50e57464040*"18060*(18060*(18060*(440**440*+40**#72
$7f454c460201010*/3003e00010*240*-160*04000380004004000110010* 10*"050*R42150*(42150**10**20*"040*"40040*(40040*(40040*(40010*(40010*)80*+40*"040*"a8050*(a8050*(a8050*(70*+70*,40**50e57464040*"18060*(18060*(18060*(440**440*+40*+30*"0e0*"060*"050*"0d0*3a0*"020*"0b0*"070*"0c0*+10*"080*+30*"040*"090*+30*"010*"020*"070*"c124b01143000a80*"84402240180010*"070*"0a0*"7e55dd7100ca1bb0da109a9e528f3068864b85e60d8e1e82be59a58494789e7c19a3436e8a2ac62626b062656c5887ffa7f08ff80*L280*"22000c00f00a0*(86030*)10*"12000c0010080*(ab020*(3d0*"22000c00800e0*(7f0**360*"12000c00800e0*(7f0*+80*"22000c0010080*(ab020*(150*"12000c00c00a0*(280**580*"12000c00400f0*(b3030*(1c0*"22000c00c00a0*(280**210*"12000c00f00a0*(86030*(790*"1100f1ff0*<4a0*"12000c0*!f0*(2c0**510*"22000c0*!f0*(2c0**5f0*"22000c00400f0*(b3030**5f5f7664736f5f67657474696d656f66646179005f5f7664736f5f74696d65005f5f7664736f5f636c6f636b5f67657474696d65005f5f7664736f5f636c6f636b5f676574726573005f5f7664736f5f676574637075005f5f7664736f5f67657472616e646f6d006c696e75782d7664736f2e736f2e31004c494e55585f322e36002f6e69782f73746f72652f3430677a6466387662377a366b77736b7a7635386b7839683961636676626d762d66636b65726e656c2d362e31382e34342d66632d763736392f6c69620*"02000200020002000200020002000200020002000200020002000100010001000100a1bfee0d140*"1c0*"690*+10*"02000100f675ae03140**790*+e0**690**10*;1d0**830*+40**20010*(f5feff6f0*"0070010*)50**20030*)60**d0010*)a0**cc0*+b0**180**fcf* 6f0*%8040*(fdf* 6f0*%20**1e0*+a0**fbf* 6f0*%10**f0f* 6f0*"00ec030*~0*~0*"00657870616e642033322d62797465206b40040*I60*"040**4c696e75780*"2c120600060*"1e0*%10* 4c696e75780*"362e312e3130322d312e3138322e616d7a6e323032332e7838365f36340*"040*"140*"030*"474e5500e17735e083bee5962b452ede4e28f9520fb75fa7011b033b440*"070*"68010* 60*"0f8010* 740*"a8040* a0*"0d8040* b40*"68080* ec0*"e8080*"010* 28090* 18010*(140*+17a5200017810011b0c070890010* 10*"01c0*%10* 890**280*"30*"07c010* ab020*"410e1086024a0d0602aa0ac60c0708550b02500ac60c0708550b0010*"05c0*%40* 280**340*"70*"01c040* 86030*"410e108602430d064b8e03830402ba0ac342ce41c60c0708550b550ac342ce41c60c0708550b0010*"0a80*"74070* 7f0**140*"bc0*"e0070* 2c0*2480*"d40*"08080* b3030*"410e108602460d06498f038e048d058c06830703fd010ac342cc42cd42ce42cf41c60c0708550b025e0ac342cc42cd42ce42cf41c60c0708550b0*&8b157ad8f* 488d3573d8f*!6461d01746389d783e7fe0f01f9669048c1e2204809c24889d0ba0*"00482b4608480f48c20fbe561c89d14989c0f7d949d3e889d148d3e085d2488b4e108b5618490f48c048f7e2480facd0208b1639d775ab4801c8480fbaf03f31d231c931f631ff4531c0c348c7c0f*"ff31d231c931f631ff4531c0c30f1f80*%554c8d15e897f* 4889e54883e4f04883ec104885ff0f84910*"458b1a4589d94183e1010f85cc0*"418b420483f8010f85d0*"00f01f9669048c1e2204809c2480fbaf23f4d8b4230418b4a24492b5208493952100f82cf0*"418b4220480fafc24c01c048d3e8498b5228418b0a4139cb75a2483dffc99a3b7615482d00ca9a3b4183c101483dffc99a3b77ee4c01ca89c04889174869c0d34d621048c1e82689c0488947084885f6751831c0c931d231c931f631ff4531c04531c94531d24531dbc3813d2097f*&7f488d0515a7f* 7406482d0010*!8b9010090* 89168b8014090* 89460431c0ebbc41817a04f*"7f746af390e913f*"83f8020f84ff0*"b860*"00f05c931d231c931f631ff4531c04531c94531d24531dbc3480fbae23e730b4c89c048d3e8e92df*"4889d0418b5220480fbaf03f48f7e24c01c04883d200480fadd048d3ea83e140480f45c2e904f*"f390458b8a0010*!41f6c10175f1418b820410*!83f8010f85c40*"0f01f9669048c1e2204809c2480fbaf23f4d8b823010*!418b8a2410*!492b920810*!4939921010*"f82820*"418b822010*!480fafc24c01c048d3e8498b8a2810*!418b920010*!4439ca758c4803053996f* 48030d2a96f* 483dffc99a3b764431d2482d00ca9a3b83c201483dffc99a3b77ef4801cae986fef* 4889342448897c2408e851fdf* 488b7c2408488b34244883f8ff4889c20f84ddfef* e910fef* 31d2ebcb480fbae23e733a4c89c048d3e8eb8083f8020f85bcfef* 4889342448897c2408e80cfdf* 488b7c2408488b34244883f8ff4889c20f8498fef* e91bf*"4889d0418b922010*!480fbaf03f48f7e24c01c04883d200480fadd048d3ea80e140480f45c2e922f*"0f1f440* 813d3a95f*&7f488d052fa5f* 7406482d0010*!488b40284885ff740348890731ffc30f1f840*&554889e54156534883e4f04883ec1083ff170f87d20*"b8010*"89f94c8d15ea94f* d3e089c281e283080*!f84ed0*"458b1a4589d94183e1010f85c80*"418b420483f8010f858e0*"0f01f9669048c1e2204809c2480fbaf23f4c63c7418b4a24492b520849c1e0044d01d0498b5830493952100f82b50*"418b4220480fafc24801d848d3e8498b5028418b0a4139cb7598483dffc99a3b7615482d00ca9a3b4183c101483dffc99a3b77ee4c01ca48891648894608488d65f031c05b415e5d31d231c931f631ff4531c04531c94531d24531dbc383f8020f84870*"b8e40*"0f05488d65f05b415e5d31d231c931f631ff4531c04531c94531d24531dbc341817a04f*"7f0f84c0*"0f390e913f*"a86075714981c2e80*"83ff040f84fffef* ebb1480fbae23e730b4889d848d3e8e947f*"418b4220480fbaf23f48f7e24801d84883d200480fadd048d3ea83e140480f45c2e921f*"48893424897c240ce812fbf* 8b7c240c488b34244883f8ff4889c20f8457f*"e9ccfef* 4c63c7498d400248c1e0044c01d0418b0af6c101751c488b780848893e488b781048897e08418b3a39f90f84fafef* ebdc41817a04f*"7f0f84c0*"0f390ebca4c8d0d15a4f* 83ff04498d8118f*"4c0f45c8458b1941f6c3010f850f010* 418b410483f8010f851b010*!f01f9669048c1e2204809c2480fbaf23f4c63c7418b4924492b51084c89c048c1e004498b5c01304d8d3401493951100f82d30*"418b4120480fafc24801d848d3e8498b4e28418b114439da759649c1e0044d01c24903423049034a28483dffc99a3b0f8690*"031d2482d00ca9a3b83c201483dffc99a3b77ef4801ca48894608488916e92afef* 498d400248c1e0044c01d0418bba0010*!40f6c7010f85a20*"4c8b800810*!488b881010*!458b8a0010*!4139f975d5488b7808480348104c01c74881f9ffc99a3b76134881e900ca9a3b83c2014881f9ffc99a3b77ed89d048894e084801f8488906e9bcfdf* 31d2e97cf*"f390e9ddfef* 480fbae23e73424889d848d3e8e929f*"83f8020f85bbfdf* 48893424897c240ce854f9f* 8b7c240c488b34244883f8ff4889c20f85cbfef* e994fdf*!390e946f*"4889d0418b5120480fbaf03f48f7e24801d84883d200480fadd048d3ea80e140480f45c2e9c9fef* 662e0f1f840*&83ff177767813d7591f*&7f488d156aa1f* 74074881ea0010*!b8010*"89f9d3e0a993080* 74248b8218090* 4885f6740b48c7060*"004889460831c031d231c931f631ff4531dbc3a860750ea90* ff00740eb8010*"ebd0b800093d00ebc9b8e50*"0f0531d231c931f631ff4531dbc390b87b0*"f30fc7f84885ff740a89c281e2ff0f0* 89174885f6740648c1e80c890631c031d231f631ffc39090909090909090909090909090909090909090554989f14889e54157415641554154534889cb4883ec3048c745d0*%4983f8ff75094885ff0f842a020* 4889d825ff0f0* 480590*"0483d0010*"f8793020* 83fa070f8729020* 4981f890*"00f851c020*!fb60563b0f* 84c00f840d020* 4d85c90f84f2020*!fb683890*"84c00f85f5010* c683890*"01c745ac020*"48897db88955a8488d051fb0f* 488b00483b8380*"00f85f6010*!fb6b3880*"41b800f0ff7f4989de4c894db04c8b65b84d39c14d0f46c14c89c3eb354885db0f84f50*"4989df498d7660488d55d049c1ef060f8538010* b9020*"4c89f7e8c0020* 41c686880*"0031f6b960*"04829f14839d9480f47cb4885c974b74c01f64883f9070f86bc010* 4889c84c89e248c1e8034c8d50ff4d8d0cc44889f0488b384883c2084883c00848897af848c740f80*"004939d175e44a8d14d50*"004889c8488d74160883e007498d541408f6c10474188b3e4883c2044883c6044883e804897afcc746fc0*"004883f80176190fb73e4883c2024883c6024883e80266897afe31ff66897efe4885c074080fb6068802c606004829cb41008e880*"4901cc4885db0f850bf*"4c8b4db04c89f3488d05dfaef* 498b9680*"0488b004839c20f857b010* b800f0ff7f41c686890*"004939c1490f46c14883c4305b415c415d415e415f5d31d231c931f631ff4531c04531c94531d24531dbc34c89e74c89f9488955c0488975c8e882010* 4c89f8488b55c0488b75c848c1e0064901c44829c3e99bfef* 4885f6750885d20f84a80*"81e3ff0f0* 488d8390*"0483d0010*!7761b83e010* 4c89ce0f054883c4305b415c415d415e415f5d31d231c931f631ff4531c04531c94531d24531dbc348898380*"0b83e010* 488d7b60be20*"031d20f054883f8200f85cb0*"c683880*"60be60*"0e9ddfdf* 48c7c0f2f*"e921f*"4883f90377154c89e24883f9010f84bbfef* 4889c8e995fef* 4c89e24889c8e96cfef* c74108280*"48b890*"0030*"48890131c089c248c744130c0*"0048c74413140*"0048c744131c0*"0048c74413240*"0083c02072d548c744030c0*"0048c74403140*"00c744031c0*"0031c0e999fef* 837dac017514488b7db88b55a841c686890*"00e9f1fef* c745ac010*"e905fdf* 48c78380*+488b7db88b55a8c683890*"00e9c7fef* 909090909090909090909090900f282d79f2f* 0f10360f107e10f3440f7e0248c7c0010*"664c0f6ec8660f6fcd660f6fd6660f6fdf66410f6fe0b00a660ffeca660fefe1660f6fc4660f72f010660f72d410660febe0660ffedc660fefd3660f6fc2660f72f00c660f72d214660febd0660ffeca660fefe1660f6fc4660f72f008660f72d418660febe0660ffedc660fefd3660f6fc2660f72f007660f72d219660febd0660f70d239660f70db4e660f70e493660ffeca660fefe1660f6fc4660f72f010660f72d410660febe0660ffedc660fefd3660f6fc2660f72f00c660f72d214660febd0660ffeca660fefe1660f6fc4660f72f008660f72d418660febe0660ffedc660fefd3660f6fc2660f72f007660f72d219660febd0660f70d293660f70db4e660f70e439fec80f850af*"660ffecd0f110f660ffed60f115710660ffedf0f115f2066410ffee00f11673066450fd4c14883c74048ffc90f85c5fef* 66440fd602660fefc9660fefd2660fefdb660fefe4660feff6660fefff660fefc0c31cf3f* 960*"82020*!5050ef3f* 8d0*"3b0*"0503b1f3f* 820*"82020*!505a3f3f* 790*"3b0*"0503e5f4f* 6e0*"82020*!505d7f4f* 650*"3b0*"050373f6f* 5a0*"82020*!50565f6f* 510*"3b0*"05030ff8f* 460*"82020*!50501f8f* 3d0*"3b0*"0503fdf9f* 320*"16020*!4040faee80f310f01f90faee80f310f01f90faee80f310f01f90faee80f310f01f90faee80f310f01f9f30fc7f84743433a2028474e55292031352e332e30*!2e7368737472746162002e676e752e68617368002e64796e73796d002e64796e737472002e676e752e76657273696f6e002e676e752e76657273696f6e5f64002e64796e616d6963002e726f64617461002e6e6f7465002e65685f6672616d655f686472002e65685f6672616d65002e74657874002e616c74696e737472756374696f6e73002e616c74696e7374725f7265706c6163656d656e74002e636f6d6d656e740*~0*If0*"050*"020**20010*(20010*(4c0*+30*+80*+40*+b0*"f6f* 6f020**70010*(70010*(60*,30*+80*:150*"0b0*"020**d0010*(d0010*(50010*)40*"010*"080**180**1d0*"030*"020**20030*(20030*(cc0*;10*:250*"f*"6f020**ec030*(ec030*(1c0*+30*+20*+20**320*"fdf* 6f020*+8040*)8040*(380*+40*"020*"080*:410*"060*"030**40040*(40040*(40010*)40*+80**10*+4a0*"010*"030**80050*(80050*(280*:10*,80**520*"070*"020**a8050*(a8050*(70*<40*:580*"010*"020**18060*(18060*(440*;40*:660*"010*"020**60060*(60060*(1c010*980*:70*"0010*"060**80070*(80070*(fc0c0*820*;760*"010*"020**7c140*(7c140*(9a0*;10*:870*"010*"060**16150*(16150*(2c0*;10*:9d0*"010*"30*;42150*(120*;10*+10*+10*"030*B54150*(a60*;10*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*>#80
$F0#76
$F-1,d#34
$#00
$l<?xml version="1.0"?>\n<threads>\n<thread id="p6c5f.6c5f" name="service"/>\n<thread id="p6c5f.6c62" name="service"/>\n<thread id="p6c5f.6c63" name="service"/>\n<thread id="p6c5f.6c64" name="service"/>\n</threads>\n#b4
$89#71
$89#71
$l<?xml version="1.0"?>\n<threads>\n<thread id="p6c5f.6c5f" name="service"/>\n<thread id="p6c5f.6c62" name="service"/>\n<thread id="p6c5f.6c63" name="service"/>\n<thread id="p6c5f.6c64" name="service"/>\n</threads>\n#b4
$89#71
$89#71
$OK#9a
$fcfdf*(0*-35e460*680*+187f840*&c09e0400c0*"0789e0400c0*Cb09e0400c0*"046020*(b09e0400c0*%a00300c0*"0e0640* c0*"034f39ea4f87f0*!35e460*&46020* 330*"2b0*~0*~007f030*(f* 0*Hc69a0c5adfa49f49fce141b53f5094730*H1040*-6365727469666963617465732e637274762d7669727475616c656e762f7368696d733a2f726f6f742f2e7079656e762f7368696d733a2f726f6f742f2e7079656e762f62696e3a2f7573722f6c6f6361616c656e762f7368696d733a2f726f6f742f2e7079656e762f7368696d733a2f726f6f742f2e7079656e762f62696e3a2f7573722f6c6f63616c2f637564612f62696e3a2f7573722f6c6f63616c2f7362696e3a2f7573722f6c6f63616c2f62696e3a2f7573722f7362696e3a2f75730*<801f0* ca0**90a00300c0*~0*~0*~0*~0*~0*I#47
$89#71
$89#71
$OK#9a
$00fef*(0*-35e460*680*+48a50300c0*"0b8be0400c0*"070be0400c0*S86020*(e8be0400c0*3c0690* c0*"05bf39ea4f87f0*!35e460*&86020* 330*"2b0*~0*~007f030*(f* 0*H96d01fa50d68fca0a33c4de84d9f2ea0*=72756e74696d652e666f7263656763680*<762d7669727475616c656e762f7368696d733a2f726f6f742f2e7079656e762f7368696d733a2f726f6f742f2e7079656e762f62696e3a2f7573722f6c6f6361616c656e762f7368696d733a2f726f6f742f2e7079656e762f7368696d733a2f726f6f742f2e7079656e762f62696e3a2f7573722f6c6f63616c2f637564612f62696e3a2f7573722f6c6f63616c2f7362696e3a2f7573722f6c6f63616c2f62696e3a2f7573722f7362696e3a2f75730*<801f0* ca0**90a40300c0*~0*~0*~0*~0*~0*I#68
$89#71
$89#71
$OK#9a
$fcf**00a80300c0*"02060460*&80*+58580400c0*"0050**585e0400c0*%580400c0*C7fee360*&46020*(88580400c0*"0010**4070*!c0*"0f*,2060460*&46020* 330*"2b0*~0*~007f030*(f* 0*Hfca9f1d24d62503f0*L72756e74696d652e6763656e61626c650*<762d7669727475616c656e762f7368696d733a2f726f6f742f2e7079656e762f7368696d733a2f726f6f742f2e7079656e762f62696e3a2f7573722f6c6f6361616c656e762f7368696d733a2f726f6f742f2e7079656e762f7368696d733a2f726f6f742f2e7079656e762f62696e3a2f7573722f6c6f63616c2f637564612f62696e3a2f7573722f6c6f63616c2f7362696e3a2f7573722f6c6f63616c2f62696e3a2f7573722f7362696e3a2f75730*<801f0* 19010*(90a80300c0*~0*~0*~0*~0*~0*I#50
$89#71
$89#71
$OK#9a
$48#6c
$48#6c
$OK#9a
$OK#9a
$OK#9a
$vCont;c;C;s;S;t#11
<Timeout: 0 seconds>$T05swbreak:;06:681a0b00c0*"0;07:481a0b00c0*"0;10:d2eb60*';thread:p6c5f.6c64;reason:breakpoint;#ac
$l<?xml version="1.0"?>\n<threads>\n<thread id="p6c5f.6c5f" name="service"/>\n<thread id="p6c5f.6c62" name="service"/>\n<thread id="p6c5f.6c63" name="service"/>\n<thread id="p6c5f.6c64" name="service"/>\n</threads>\n#b4
$OK#9a
$OK#9a
$48#6c
$48#6c
$0*,cfe75f0*&3b0**f*-3434a0*&b81a0b00c0*"0690160*'f01a0b00c0*"0#68
$88056e0*(a01100c0*%a40f00c0*"0c099690*&c0eb60*)a40f00c0*"0681a0b00c0*"0481a0b00c0*"0a2be660*'50*+50*:f0180b00c0*5ed0900c0*"0823f9fa4f87f0* d2eb60*(6020* 330*"2b0*~0*~007f030*(f* 0*H5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d0*<67726f756e64526561642e66756e63320*=dcd40*'60cf0800c0*sd06f0800c0*"00e1c60*'a04a0a00c0*"060096e0*&b0cd0800c0*3413f460*f62696e3a2f7573722f6c6f63616c2f62696e3a2f7573722f7362696e3a2f75730*<801f0* f*,90a80300c0*~0*~0*~0*~0*~0*I#3b
$8c1360*788056e0*(a01100c0*%a40f00c0*"011fe430*&f81a0b00c0*"040fe430*&#e2
$0*,6573460*&a0725f0*&a0ce0800c0*3a81f0b00c0*"027d55f0*&a0ce0800c0*"0#e9
$0*ld01f0b00c0*"00e1c60*'a04a0a00c0*"0#f8
$181b0b00c0*"040e96d0*&ca715f0*&681b0b00c0*"0d9715f0*(69840*8c00f00c0*"0#89
$88056e0*(a01100c0*%a40f00c0*"0013e650*&e0cd0800c0*S#d9
$60096e0*&b0cd0800c0*3413f460*f#23
$E05#aa
$E05#aa
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
$060*"040*"40*+400040*'400040*'88010*(88010**10*)#c9
$040*"040*"9c0f0*(9c0f40*'9c0f40*'640**640*+40**#d7
$010*"050*640*+40*'5ff520*'5ff520*)10*)#c8
$010*"040*&210**610**610*&487e1f0*&487e1f0*(10*)#6e
$010*"060*"008040*)8080*)8080*'e0cc030*&4856070*(10*)#34
$51e57464060*s80**#c4
$80150465002a0*q80**#17
