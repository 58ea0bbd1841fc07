<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="my_MM">
    <!-- Byway translation. The translations in this file were machine-drafted and await review by a native speaker: every message still marked unfinished is such a draft. Keep Tor, obfs4, Snowflake, meek, VPN, DNS and SOCKS in Latin script, and every {placeholder} exactly. -->
    <context>
        <name>Advice</name>
        <message>
            <location filename="../../desktop/byway/advise.py" line="+146" />
            <source>the Tor relays answered a handshake from here in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor relay များသည် ဤနေရာမှ handshake တစ်ခုကို {ms} ms အတွင်း တုံ့ပြန်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Tor's own handshake is blocked here (connections open, then stall)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာတွင် Tor ၏ handshake ကိုယ်တိုင်ကို ပိတ်ထားသည် (ချိတ်ဆက်မှုများ ပွင့်ပြီးနောက် ရပ်သွားသည်)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the Tor relays are blocked by address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor relay များကို လိပ်စာဖြင့် ပိတ်ထားသည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စစ်ဆေးနေစဉ် Tor relay များ တုံ့ပြန်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>only some Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စစ်ဆေးနေစဉ် Tor relay အချို့သာ တုံ့ပြန်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the Tor Project's advice for this country is that no bridge is needed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project ၏ အကြံပြုချက်အရ ဤနိုင်ငံတွင် bridge မလိုအပ်ပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>bridges are usually needed in this country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနိုင်ငံတွင် များသောအားဖြင့် bridge လိုအပ်သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain Tor is the fastest way when it is not blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်မထားသည့်အခါ Tor တိုက်ရိုက်သည် အမြန်ဆုံးနည်းလမ်း ဖြစ်သည်</translation>
        </message>
        <message>
            <location line="+22" />
            <source>handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">handshake</translation>
        </message>
        <message>
            <location line="+2" />
            <source>connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှု</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{name} bridge {n} completed a {what} in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} bridge {n} သည် {what} ကို {ms} ms အတွင်း ပြီးမြောက်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{count} that did not answer were left out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မတုံ့ပြန်သော {count} ခုကို ချန်ထားခဲ့သည်</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+11" />
            <source>obfs4 bridges can be reached, but their handshakes were reset or stalled</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 bridge များသို့ ရောက်နိုင်သော်လည်း ၎င်းတို့၏ handshake များ ဖြတ်တောက်ခံရ သို့မဟုတ် ရပ်တန့်သွားသည်</translation>
        </message>
        <message>
            <location line="-7" />
            <source>none of these {name} bridges could be reached from here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤ {name} bridge များထဲမှ တစ်ခုမှ ဤနေရာမှ မရောက်နိုင်ပါ</translation>
        </message>
        <message>
            <location line="+33" />
            <source>these are your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤအရာများသည် သင့်ကိုယ်ပိုင် bridge များ ဖြစ်သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 bridge များသည် Tor traffic ကို ဖုံးကွယ်ပေးပြီး အများသုံး relay စာရင်းများတွင် မပါဝင်ပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>snowflake looks like a video call and changes proxies often</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake သည် ဗီဒီယိုခေါ်ဆိုမှုနှင့် တူပြီး proxy များကို မကြာခဏ ပြောင်းသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek သည် ကြီးမားသော cloud ဝန်ဆောင်မှုမှတစ်ဆင့် သွားသဖြင့် ပိတ်ရန်ခက်သည်၊ သို့သော် နှေးသည်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>webtunnel looks like an ordinary visit to a website</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">webtunnel သည် သာမန်ဝက်ဘ်ဆိုက်တစ်ခုသို့ ဝင်ကြည့်ခြင်းနှင့် တူသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain bridges are not on public relay lists, but look like Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရိုးရိုး bridge များသည် အများသုံး relay စာရင်းများတွင် မပါသော်လည်း Tor နှင့် တူသည်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>conjure hides among unused addresses of a friendly network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">conjure သည် မိတ်ဆွေကွန်ရက်တစ်ခု၏ အသုံးမပြုသော လိပ်စာများကြားတွင် ပုန်းနေသည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>this network seems to recognise Tor-like traffic; {name} looks like the web</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်သည် Tor နှင့်တူသော traffic ကို သိရှိပုံရသည်၊ {name} သည် သာမန်ဝက်ဘ်နှင့် တူသည်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the Tor Project's bridge service recommends it for your network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project ၏ bridge ဝန်ဆောင်မှုက သင့်ကွန်ရက်အတွက် ၎င်းကို အကြံပြုသည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the saved advice for {country} recommends it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{country} အတွက် သိမ်းထားသော အကြံပြုချက်က ၎င်းကို အကြံပြုသည်</translation>
        </message>
        <message>
            <location line="+45" />
            <source>no program for these bridges was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤ bridge များအတွက် ပရိုဂရမ် မတွေ့ပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the program for {name} was not looked for</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} အတွက် ပရိုဂရမ်ကို မရှာခဲ့ပါ</translation>
        </message>
        <message>
            <location line="+23" />
            <source>this worked on this network last time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ယခင်တစ်ကြိမ်က ဤကွန်ရက်တွင် ၎င်း အလုပ်လုပ်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+34" />
            <source>Nothing can be tried on this computer: the programs needed are missing.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ပျူတာတွင် ဘာမှ စမ်း၍မရပါ- လိုအပ်သော ပရိုဂရမ်များ မရှိပါ။</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is the backup</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} သည် အရန်ဖြစ်သည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{first}; {next}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first}၊ {next}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{summary}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{summary}။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network, not even sites that are never blocked: this is a shutdown, not a block. No way out can work until the connection comes back.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်မှ ပြင်ပသို့ ဘာမှ မရောက်ပါ၊ ဘယ်တော့မှ မပိတ်သော ဆိုက်များပင် မရောက်ပါ- ၎င်းသည် ပိတ်ဆို့ခြင်း မဟုတ်ဘဲ အင်တာနက်ဖြတ်တောက်ခြင်း ဖြစ်သည်။ ချိတ်ဆက်မှု ပြန်ရလာသည်အထိ မည်သည့်ထွက်ပေါက်မှ အလုပ်မလုပ်နိုင်ပါ။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="+25" />
            <source>The Tor relays did not answer in the test, so plain Tor will probably fail.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှုတွင် Tor relay များ မတုံ့ပြန်ခဲ့ပါ၊ ထို့ကြောင့် Tor ကို တိုက်ရိုက်သုံးလျှင် မအောင်မြင်နိုင်ပါ။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The Tor relays answered in the test: plain Tor is the fastest way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှုတွင် Tor relay များ တုံ့ပြန်ခဲ့သည်- Tor ကို တိုက်ရိုက်သုံးခြင်းသည် အမြန်ဆုံးနည်းလမ်း ဖြစ်သည်။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>This network inspects Tor's handshake; obfs4 may be recognised as well.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်သည် Tor ၏ handshake ကို စစ်ဆေးနေသည်၊ obfs4 ကိုလည်း သိရှိနိုင်သည်။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 bridge များသည် Tor traffic ကို ဖုံးကွယ်ပေးပြီး အများသုံး relay စာရင်းများတွင် မပါဝင်ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Snowflake looks like a video call and changes proxies often.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake သည် ဗီဒီယိုခေါ်ဆိုမှုနှင့် တူပြီး proxy များကို မကြာခဏ ပြောင်းသည်။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek သည် ကြီးမားသော cloud ဝန်ဆောင်မှုမှတစ်ဆင့် သွားသဖြင့် ပိတ်ရန်ခက်သည်၊ သို့သော် နှေးသည်။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network: this looks like a shutdown. No way out can work now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်မှ ပြင်ပသို့ ဘာမှ မရောက်ပါ- အင်တာနက်ဖြတ်တောက်ထားပုံ ရသည်။ ယခု မည်သည့်ထွက်ပေါက်မှ အလုပ်မလုပ်နိုင်ပါ။</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tor's own handshake is blocked here: start with snowflake, which looks like a video call.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာတွင် Tor ၏ handshake ကိုယ်တိုင်ကို ပိတ်ထားသည်- ဗီဒီယိုခေါ်ဆိုမှုနှင့်တူသော Snowflake ဖြင့် စတင်ပါ။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor's public relays are blocked by address: start with obfs4 bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ၏ အများသုံး relay များကို လိပ်စာဖြင့် ပိတ်ထားသည်- obfs4 bridge များဖြင့် စတင်ပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor's relays answered: plain Tor first, with bridges as a fallback.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor relay များ တုံ့ပြန်ခဲ့သည်- ပထမ Tor တိုက်ရိုက်၊ အရန်အဖြစ် bridge များ။</translation>
        </message>
    </context>
    <context>
        <name>AdvicePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="+24" />
            <source>The way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ပေါက်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway tries these in order. Untick a way to skip it, or move it up or down.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway သည် ဤနည်းလမ်းများကို အစဉ်လိုက် စမ်းသည်။ နည်းလမ်းတစ်ခုကို ကျော်ရန် အမှန်ခြစ်ဖြုတ်ပါ၊ သို့မဟုတ် အပေါ်အောက် ရွှေ့ပါ။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Ways out, best first</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ပေါက်များ၊ အကောင်းဆုံးကို ရှေ့ဆုံးတွင်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each way out with the reasons for its place; tick or untick with Space</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ပေါက်တစ်ခုစီနှင့် ၎င်း၏နေရာအတွက် အကြောင်းရင်းများ၊ Space ခလုတ်ဖြင့် အမှန်ခြစ် သို့မဟုတ် ဖြုတ်ပါ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Move &amp;up</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အပေါ်ရွှေ့ (&amp;U)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way earlier</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရွေးထားသော နည်းလမ်းကို စောစော စမ်းပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move &amp;down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အောက်ရွှေ့ (&amp;D)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way later</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရွေးထားသော နည်းလမ်းကို နောက်မှ စမ်းပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထပ်စမ်းသပ် (&amp;A)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the network tests again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကွန်ရက်စမ်းသပ်မှုများကို ထပ်လုပ်ပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက် (&amp;C)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Connect through Tor, trying the ways in this order</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤအစဉ်အတိုင်း နည်းလမ်းများကို စမ်းပြီး Tor မှတစ်ဆင့် ချိတ်ဆက်ပါ</translation>
        </message>
        <message>
            <location line="+30" />
            <source>not available on this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ပျူတာတွင် မရနိုင်ပါ</translation>
        </message>
    </context>
    <context>
        <name>BridgeLine</name>
        <message>
            <location filename="../../desktop/byway/transports/bridge_errors.py" line="+63" />
            <source>line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာကြောင်း {number}- {problem}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="+99" />
            <source>the address must be an IP address and a port, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လိပ်စာသည် IP လိပ်စာနှင့် port ဖြစ်ရမည်၊ ဥပမာ 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+8" />
            <source>IPv6 addresses must be written in brackets, like [2001:db8::1]:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IPv6 လိပ်စာများကို လေးထောင့်ကွင်းထဲတွင် ရေးရမည်၊ ဥပမာ [2001:db8::1]:443</translation>
        </message>
        <message>
            <location line="+24" />
            <source>the address is not a valid IPv4 or IPv6 address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လိပ်စာသည် မှန်ကန်သော IPv4 သို့မဟုတ် IPv6 လိပ်စာ မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the port must be a number from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">port သည် 1 မှ 65535 အတွင်း နံပါတ်ဖြစ်ရမည်</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the fingerprint must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fingerprint သည် စာသားဖြစ်ရမည်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{transport} bridges need a fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} bridge များသည် လိပ်စာနောက်တွင် fingerprint လိုအပ်သည်</translation>
        </message>
        <message>
            <location line="+37" />
            <source>arguments must be pairs of text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">argument များသည် စာသားအတွဲများ ဖြစ်ရမည်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the argument {key} appears more than once</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">argument {key} သည် တစ်ကြိမ်ထက်ပို၍ ပါနေသည်</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a plain bridge has only an address and a fingerprint; found {key}=...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရိုးရိုး bridge တွင် လိပ်စာနှင့် fingerprint သာ ရှိသည်၊ {key}=... ကို တွေ့သည်</translation>
        </message>
        <message>
            <location line="+8" />
            <source>{transport} bridges need the argument {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} bridge များသည် argument {key}= လိုအပ်သည်</translation>
        </message>
        <message>
            <location line="+18" />
            <source>an obfs4 bridge takes only cert= and iat-mode=; found {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 bridge သည် cert= နှင့် iat-mode= ကိုသာ လက်ခံသည်၊ {key}= ကို တွေ့သည်</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the fingerprint= argument differs from the fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fingerprint= argument သည် လိပ်စာနောက်ရှိ fingerprint နှင့် မတူပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is not a transport Byway knows; expected one of: {known}, or a plain IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} သည် Byway သိသော transport မဟုတ်ပါ၊ ဤတို့ထဲမှ တစ်ခုကို မျှော်လင့်သည်- {known}၊ သို့မဟုတ် ရိုးရိုး IP:PORT</translation>
        </message>
        <message>
            <location line="+18" />
            <source>a bridge line must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်းသည် စာသားဖြစ်ရမည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the bridge line is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်း ဗလာဖြစ်နေသည်</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the bridge line needs an address, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်းတွင် လိပ်စာ လိုအပ်သည်၊ ဥပမာ 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+18" />
            <source>unexpected text {text}; after the address only key=value arguments may follow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မမျှော်လင့်သော စာသား {text}၊ လိပ်စာနောက်တွင် key=value argument များသာ လိုက်နိုင်သည်</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="+70" />
            <source>the bridge line is {length} characters long; the limit is {limit}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်းသည် စာလုံး {length} လုံး ရှည်သည်၊ ကန့်သတ်ချက်မှာ {limit} ဖြစ်သည်</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the bridge line contains '#' at position {position}; it is not allowed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်း၏ နေရာ {position} တွင် '#' ပါနေသည်၊ ၎င်းကို ခွင့်မပြုပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the bridge line contains a control character ({codepoint}) at position {position}; a bridge line is a single line of plain text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်း၏ နေရာ {position} တွင် control စာလုံး ({codepoint}) ပါနေသည်၊ bridge စာကြောင်းသည် ရိုးရိုးစာသား တစ်ကြောင်းတည်း ဖြစ်သည်</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the bridge line contains a character that is not plain ASCII ({codepoint}) at position {position}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်း၏ နေရာ {position} တွင် ရိုးရိုး ASCII မဟုတ်သော စာလုံး ({codepoint}) ပါနေသည်</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the fingerprint must be 40 hexadecimal characters; got {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fingerprint သည် hexadecimal စာလုံး 40 လုံး ဖြစ်ရမည်၊ {count} လုံး ရသည်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the fingerprint must contain only hexadecimal characters (0-9, A-F)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fingerprint တွင် hexadecimal စာလုံးများ (0-9, A-F) သာ ပါရမည်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the argument name {key} is not allowed; names use only letters, digits, '_' and '-'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">argument အမည် {key} ကို ခွင့်မပြုပါ၊ အမည်များတွင် စာလုံး၊ ဂဏန်း၊ '_' နှင့် '-' သာ သုံးသည်</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the argument {key} has no value</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">argument {key} တွင် တန်ဖိုး မရှိပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} contains characters that are not allowed (letters, digits and . _ , : + / = - only)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} ၏ တန်ဖိုးတွင် ခွင့်မပြုသော စာလုံးများ ပါနေသည် (စာလုံး၊ ဂဏန်းနှင့် . _ , : + / = - သာ)</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the value of {key} contains characters that are not allowed in a URL</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} ၏ တန်ဖိုးတွင် URL တွင် ခွင့်မပြုသော စာလုံးများ ပါနေသည်</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the value of {key} must be an http or https address with a host name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} ၏ တန်ဖိုးသည် host အမည်ပါသော http သို့မဟုတ် https လိပ်စာ ဖြစ်ရမည်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} must not contain a user name or password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} ၏ တန်ဖိုးတွင် အသုံးပြုသူအမည် သို့မဟုတ် စကားဝှက် မပါရပါ</translation>
        </message>
        <message>
            <location line="+22" />
            <source>the obfs4 cert must be 70 characters of base64 without '=' padding; got {count} characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 cert သည် '=' ဖြည့်စာလုံးမပါသော base64 စာလုံး 70 လုံး ဖြစ်ရမည်၊ စာလုံး {count} လုံး ရသည်</translation>
        </message>
        <message>
            <location line="+13" />
            <source>the obfs4 cert does not decode to a valid 52-byte certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 cert ကို မှန်ကန်သော 52-byte လက်မှတ်အဖြစ် ပြန်ဖော်၍ မရပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>iat-mode must be 0, 1 or 2; got {value}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">iat-mode သည် 0၊ 1 သို့မဟုတ် 2 ဖြစ်ရမည်၊ {value} ရသည်</translation>
        </message>
    </context>
    <context>
        <name>BridgesTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="+36" />
            <source>Built-in bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပါဝင်ပြီးသား bridge များ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Which of the bridges that come with Byway to use</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway နှင့်အတူ ပါလာသော bridge များထဲမှ မည်သည်ကို သုံးမည်နည်း</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Choose for me</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကျွန်ုပ်အတွက် ရွေးပေးပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Snowflake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake</translation>
        </message>
        <message>
            <location line="+1" />
            <source>meek</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek</translation>
        </message>
        <message>
            <location line="+1" />
            <source>None</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မသုံးပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Built-in bridges:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပါဝင်ပြီးသား bridge များ-</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Request bridges...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge တောင်းရန် (&amp;R)...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Ask the Tor Project for private bridges, after solving a captcha</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha ဖြေပြီးနောက် Tor Project ထံမှ သီးသန့် bridge များ တောင်းပါ</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Your own bridges, one per line:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်ကိုယ်ပိုင် bridge များ၊ တစ်ကြောင်းလျှင် တစ်ခု-</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်ကိုယ်ပိုင် bridge များ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Paste bridge lines here, one per line; each line is checked as you type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်းများကို ဤနေရာတွင် ကူးထည့်ပါ၊ တစ်ကြောင်းလျှင် တစ်ခု၊ ရိုက်နေစဉ် စာကြောင်းတိုင်းကို စစ်ဆေးသည်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>&amp;Save bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge များ သိမ်းရန် (&amp;S)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep these bridges for the next connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နောက်ချိတ်ဆက်မှုအတွက် ဤ bridge များကို သိမ်းထားပါ</translation>
        </message>
        <message>
            <location line="+23" />
            <source>{count} private bridges from the Tor Project are kept as secrets and used first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project ထံမှ သီးသန့် bridge {count} ခုကို လျှို့ဝှက်ချက်အဖြစ် သိမ်းထားပြီး ပထမဆုံး သုံးသည်။</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သိမ်းပြီးပါပြီ။</translation>
        </message>
    </context>
    <context>
        <name>Catalog</name>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="+130" />
            <source>the bridge list is not in the expected format: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာရင်းသည် မျှော်လင့်ထားသော ပုံစံ မဟုတ်ပါ- {what}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>a bridge kind name is not a short lowercase word</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge အမျိုးအစားအမည်တစ်ခုသည် စာလုံးအသေး စကားလုံးတို မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridges of kind {kind} are not a list of at most {limit} lines</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{kind} အမျိုးအစား bridge များသည် အများဆုံး {limit} ကြောင်းပါ စာရင်း မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>bridges of kind {kind} are not supported</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{kind} အမျိုးအစား bridge များကို မပံ့ပိုးပါ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်းတစ်ခုသည် စာသား မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a {transport} bridge is listed under {kind}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} bridge တစ်ခုကို {kind} အောက်တွင် စာရင်းသွင်းထားသည်</translation>
        </message>
        <message>
            <location line="+16" />
            <source>the document is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာရွက်စာတမ်းသည် JSON object မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no "bridges" object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">"bridges" object မရှိပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>recommendedDefault is not a bridge kind name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">recommendedDefault သည် bridge အမျိုးအစားအမည် မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>pluggableTransports is not a set of single-line templates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">pluggableTransports သည် တစ်ကြောင်းတည်းပါ template အစု မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+34" />
            <source>the Moat answer is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat ၏ အဖြေသည် JSON object မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the bridge server answered with an error</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာက အမှားဖြင့် ပြန်ဖြေသည်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridge server sent no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာက အသုံးပြုနိုင်သော bridge မပို့ပါ</translation>
        </message>
        <message>
            <location line="+28" />
            <location line="+3" />
            <source>the saved list has no date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သိမ်းထားသော စာရင်းတွင် ရက်စွဲ မရှိပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the saved list has no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သိမ်းထားသော စာရင်းတွင် အသုံးပြုနိုင်သော bridge မရှိပါ</translation>
        </message>
    </context>
    <context>
        <name>Cli</name>
        <message>
            <location filename="../../desktop/byway/cli.py" line="+26" />
            <source>Find out what this network blocks, learn which way out should work, and connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်က ဘာကို ပိတ်ထားသည်ကို ရှာဖွေပါ၊ မည်သည့်ထွက်ပေါက် အလုပ်လုပ်မည်ကို သိပါ၊ ပြီးလျှင် ချိတ်ဆက်ပါ။</translation>
        </message>
        <message>
            <location line="+9" />
            <source>keep everything (settings, secrets, tor state) under DIR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အရာအားလုံး (ဆက်တင်များ၊ လျှို့ဝှက်ချက်များ၊ Tor အခြေအနေ) ကို DIR အောက်တွင် ထားပါ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>check this copy of Byway (window, demo diagnosis, bundled tor and transports) and exit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤ Byway မိတ္တူကို စစ်ဆေးပြီး ထွက်ပါ (window၊ demo စစ်ဆေးမှု၊ ပါဝင်လာသော tor နှင့် transport များ)</translation>
        </message>
        <message>
            <location line="+7" />
            <source>run the desktop app against a simulated network (no traffic at all): iran-2022, china-gfw, russia-2022, shutdown, or a scenario .toml file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">desktop app ကို အတုပြုလုပ်ထားသော ကွန်ရက်ဖြင့် ဖွင့်ပါ (traffic လုံးဝ မရှိ)- iran-2022၊ china-gfw၊ russia-2022၊ shutdown သို့မဟုတ် scenario .toml ဖိုင်</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Cannot use {path} as the portable folder: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} ကို သယ်ဆောင်နိုင်သော ဖိုင်တွဲအဖြစ် သုံး၍မရပါ- {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges_args.py" line="+23" />
            <source>list, check, add and remove bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge များကို စာရင်းပြ၊ စစ်ဆေး၊ ထည့်၊ ဖယ်ရှားပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in and your own bridges: list them, check which transports work here, add, remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပါဝင်ပြီးသားနှင့် သင့်ကိုယ်ပိုင် bridge များ- စာရင်းပြပါ၊ ဤနေရာတွင် မည်သည့် transport များ အလုပ်လုပ်သည်ကို စစ်ပါ၊ ထည့်ပါ၊ ဖယ်ပါ။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>same as 'byway bridges check'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">'byway bridges check' နှင့် အတူတူ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>show built-in and your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပါဝင်ပြီးသားနှင့် သင့်ကိုယ်ပိုင် bridge များကို ပြပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>show your bridges in full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် bridge များကို အပြည့်အစုံ ပြပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>which transports can run here, and why</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာတွင် မည်သည့် transport များ လည်ပတ်နိုင်သည်၊ အဘယ်ကြောင့်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>also pre-check the Tor network and the bridges from this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်မှ Tor ကွန်ရက်နှင့် bridge များကိုလည်း ကြိုတင်စစ်ဆေးပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>seconds per check</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စစ်ဆေးမှုတစ်ခုလျှင် စက္ကန့်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>add your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်ကိုယ်ပိုင် bridge များ ထည့်ပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bridge line (quote it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်း (မျက်တောင်အဖွင့်အပိတ်ဖြင့်)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not store the bridges; use them only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge များကို မသိမ်းပါနှင့်၊ ဤ session အတွက်သာ သုံးပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>remove one of your bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် bridge တစ်ခုကို ဖယ်ရှားပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>its id from 'list' or its line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">'list' မှ ၎င်း၏ id သို့မဟုတ် ၎င်း၏ စာကြောင်း</translation>
        </message>
        <message>
            <location line="+2" />
            <source>fetch fresh built-in bridges from Moat</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat မှ ပါဝင်ပြီးသား bridge အသစ်များ ရယူပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>reach Moat through meek domain fronting (when it is blocked)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek domain fronting ဖြင့် Moat သို့ ရောက်ပါ (ပိတ်ထားသည့်အခါ)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="+44" />
            <source>Passphrase of Byway's vault: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway vault ၏ စကားဝှက်စာကြောင်း- </translation>
        </message>
        <message>
            <location line="+3" />
            <source>The vault needs its passphrase (or set {name}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault သည် ၎င်း၏ စကားဝှက်စာကြောင်း လိုအပ်သည် (သို့မဟုတ် {name} ကို သတ်မှတ်ပါ)။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>unknown date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မသိသော ရက်စွဲ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in bridges ({source}, as of {date}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပါဝင်ပြီးသား bridge များ ({source}၊ {date} အထိ)-</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Your bridges: none.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် bridge များ- မရှိပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your bridges ({count}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် bridge များ ({count})-</translation>
        </message>
        <message>
            <location line="+4" />
            <source>(addresses hidden; add --show to see them)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">(လိပ်စာများကို ဝှက်ထားသည်၊ ကြည့်ရန် --show ထည့်ပါ)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Line {n}: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာကြောင်း {n}- {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Nothing was added: correct the lines above.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဘာမှ မထည့်ခဲ့ပါ- အထက်ပါ စာကြောင်းများကို ပြင်ပါ။</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{count} bridges checked; kept only for this session, nothing was stored.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge {count} ခု စစ်ဆေးပြီး၊ ဤ session အတွက်သာ ထားသည်၊ ဘာမှ မသိမ်းခဲ့ပါ။</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Added {added} bridges ({total} in all), kept in: {where}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge {added} ခု ထည့်ပြီး (စုစုပေါင်း {total} ခု)၊ သိမ်းထားသည့်နေရာ- {where}။</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You have no bridges of your own to remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဖယ်ရှားရန် သင့်ကိုယ်ပိုင် bridge မရှိပါ။</translation>
        </message>
        <message>
            <location line="+10" />
            <source>No bridge of yours matches {which}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် bridge များထဲတွင် {which} နှင့် ကိုက်ညီသည် မရှိပါ။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Removed {id}; {count} left.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{id} ကို ဖယ်ရှားပြီး၊ {count} ခု ကျန်သည်။</translation>
        </message>
        <message>
            <location line="+9" />
            <source>available</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရနိုင်သည်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>unavailable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မရနိုင်ပါ</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကွန်ရက်</translation>
        </message>
        <message>
            <location line="+2" />
            <location filename="../../desktop/byway/commands/diagnose.py" line="+106" />
            <source>reachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရောက်နိုင်သည်</translation>
        </message>
        <message>
            <location line="+25" />
            <source>there is no meek bridge line to front with</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fronting လုပ်ရန် meek bridge စာကြောင်း မရှိပါ</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect_args.py" line="+43" />
            <source>expected a two-letter country code, like IR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာလုံးနှစ်လုံးပါ နိုင်ငံကုဒ်ကို မျှော်လင့်သည်၊ ဥပမာ IR</translation>
        </message>
        <message>
            <location line="+14" />
            <source>connect to Tor the best way this network allows, and stay connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်ခွင့်ပြုသော အကောင်းဆုံးနည်းဖြင့် Tor သို့ ချိတ်ဆက်ပြီး ချိတ်ဆက်ထားပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start Tor with the best way out for this network, show its progress, print the SOCKS address to use, and keep the connection up until Ctrl-C.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်အတွက် အကောင်းဆုံးထွက်ပေါက်ဖြင့် Tor ကို စတင်သည်၊ တိုးတက်မှုကို ပြသည်၊ သုံးရမည့် SOCKS လိပ်စာကို ထုတ်ပြသည်၊ Ctrl-C နှိပ်သည်အထိ ချိတ်ဆက်မှုကို ဆက်ထားသည်။</translation>
        </message>
        <message>
            <location line="+13" />
            <source>a bridge line to use (repeat for several)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သုံးမည့် bridge စာကြောင်း (အများအတွက် ထပ်ပေးပါ)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>an upstream proxy: http://, https://, socks4:// or socks5://[user:pass@]host:port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">upstream proxy- http://၊ https://၊ socks4:// သို့မဟုတ် socks5://[user:pass@]host:port</translation>
        </message>
        <message>
            <location line="+5" />
            <source>keep tor's state per profile</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">profile တစ်ခုစီအတွက် Tor အခြေအနေကို သီးခြားထားပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>default: any free port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မူလ- လွတ်နေသော မည်သည့် port မဆို</translation>
        </message>
        <message>
            <location line="+7" />
            <source>where to ask for this country's circumvention settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနိုင်ငံအတွက် ဆင်ဆာကျော်ဖြတ်ရေး ဆက်တင်များကို ဘယ်မှာ တောင်းမည်နည်း</translation>
        </message>
        <message>
            <location line="+3" />
            <source>do not ask Moat; use the built-in map</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat ကို မမေးပါနှင့်၊ ပါဝင်ပြီးသား မြေပုံကို သုံးပါ</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect.py" line="+85" />
            <source>Checking which ways out answer from here...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာမှ မည်သည့်ထွက်ပေါက်များ တုံ့ပြန်သည်ကို စစ်ဆေးနေသည်...</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Your saved bridges are not used this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင်သိမ်းထားသော bridge များကို ဤတစ်ကြိမ် မသုံးပါ- {why}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>you asked for it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင်တောင်းဆိုခဲ့သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Tor without a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge မပါသော Tor။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>custom needs at least one --bridge LINE</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">custom အတွက် --bridge LINE အနည်းဆုံး တစ်ခု လိုအပ်သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Your bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် bridge များ။</translation>
        </message>
        <message>
            <location line="+16" />
            <source>One way, as asked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">တောင်းဆိုထားသည့်အတိုင်း နည်းလမ်းတစ်ခုတည်း။</translation>
        </message>
        <message>
            <location line="+66" />
            <source>Nothing in the plan can run here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အစီအစဉ်ထဲတွင် ဤနေရာ၌ လည်ပတ်နိုင်သည့်အရာ မရှိပါ။</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Connected with {way} in {seconds:.1f} s. Press Ctrl-C to disconnect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{way} ဖြင့် {seconds:.1f} စက္ကန့်အတွင်း ချိတ်ဆက်ပြီးပါပြီ။ ချိတ်ဆက်မှုဖြတ်ရန် Ctrl-C နှိပ်ပါ။</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Those bridges do not use {transport}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထို bridge များသည် {transport} ကို မသုံးပါ။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Disconnected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှု ဖြတ်ပြီးပါပြီ။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose_args.py" line="+24" />
            <source>expected IP:PORT, for example 8.8.8.8:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP:PORT ကို မျှော်လင့်သည်၊ ဥပမာ 8.8.8.8:53</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected NAME=IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">NAME=IP:PORT ကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+16" />
            <source>find out what this network blocks, and how</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်က ဘာကို ဘယ်လို ပိတ်ထားသည်ကို ရှာဖွေပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test websites and the Tor network from here, compare with an uncensored control, and explain what is blocked and how. Without URLs, Byway's default list is tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာမှ ဝက်ဘ်ဆိုက်များနှင့် Tor ကွန်ရက်ကို စမ်းသပ်ပြီး ဆင်ဆာမရှိသော ထိန်းချုပ်နေရာ (control) နှင့် နှိုင်းယှဉ်ကာ ဘာကို ဘယ်လို ပိတ်ထားသည်ကို ရှင်းပြသည်။ URL မပေးလျှင် Byway ၏ မူလစာရင်းကို စမ်းသပ်သည်။</translation>
        </message>
        <message>
            <location line="+11" />
            <source>addresses to test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မည့် လိပ်စာများ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a file of URLs</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">URL များပါသော ဖိုင်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>print OONI-format measurements, one per line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">OONI ပုံစံ တိုင်းတာချက်များကို တစ်ကြောင်းလျှင် တစ်ခု ထုတ်ပြပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not ask a test helper</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">test helper ကို မမေးပါနှင့်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>skip the UDP DNS test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">UDP DNS စမ်းသပ်မှုကို ကျော်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>skip DNS-over-HTTPS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS-over-HTTPS ကို ကျော်ပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>use the --resolver answers instead of the system's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စနစ်၏ အဖြေများအစား --resolver အဖြေများကို သုံးပါ</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a Tor relay to test instead of the directory authorities (repeatable)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">directory authority များအစား စမ်းသပ်မည့် Tor relay တစ်ခု (ထပ်ခါ ပေးနိုင်သည်)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>do not test the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကွန်ရက်ကို မစမ်းသပ်ပါနှင့်</translation>
        </message>
        <message>
            <location line="+1" />
            <location filename="../../desktop/byway/commands/helper_args.py" line="+61" />
            <source>seconds per step</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဆင့်တစ်ခုလျှင် စက္ကန့်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>after a suspected trigger, leave that address and port alone this long</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သံသယရှိသော trigger တစ်ခုပြီးနောက် ထိုလိပ်စာနှင့် port ကို ဤမျှကြာအောင် မထိပါနှင့်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a fixed random order, to repeat a run</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပြန်လုပ်ရန်အတွက် ပုံသေ ကျပန်းအစီအစဉ်</translation>
        </message>
        <message>
            <location line="+5" />
            <source>consent to the tests without a prompt (for scripts)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မမေးဘဲ စမ်းသပ်မှုများကို သဘောတူပါ (script များအတွက်)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="-27" />
            <source>No terminal to ask for consent: run again with --accept-risks to agree.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သဘောတူညီချက် မေးရန် terminal မရှိပါ- သဘောတူရန် --accept-risks ဖြင့် ထပ်ဖွင့်ပါ။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Nothing was tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဘာမှ မစမ်းသပ်ခဲ့ပါ။</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Testing {total} targets...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပစ်မှတ် {total} ခုကို စမ်းသပ်နေသည်...</translation>
        </message>
        <message>
            <location line="+10" />
            <source>unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မရောက်နိုင်ပါ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဆင်ပြေ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပျက်နေသည် (ဆင်ဆာ မဟုတ်ပါ)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မသိပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked ({how})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်ထားသည် ({how})</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရပ်လိုက်ပြီ။</translation>
        </message>
        <message>
            <location line="+26" />
            <source>The report was withheld: your address could not be removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အစီရင်ခံစာကို မပေးခဲ့ပါ- သင့်လိပ်စာကို ၎င်းထဲမှ ဖယ်ရှား၍ မရခဲ့ပါ။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper_args.py" line="-40" />
            <source>expected HOST:PORT, for example 127.0.0.1:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HOST:PORT ကို မျှော်လင့်သည်၊ ဥပမာ 127.0.0.1:8080</translation>
        </message>
        <message>
            <location line="+11" />
            <source>expected IP:PORT, for example 127.0.0.1:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP:PORT ကို မျှော်လင့်သည်၊ ဥပမာ 127.0.0.1:53</translation>
        </message>
        <message>
            <location line="+14" />
            <source>run a web-connectivity test helper (an uncensored control)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">web-connectivity test helper ကို ဖွင့်ပါ (ဆင်ဆာမရှိသော control)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Serve OONI's web-connectivity test-helper protocol, so that probes elsewhere can compare what they see with what this network sees. Run it only on an uncensored network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">OONI ၏ web-connectivity test-helper protocol ကို ဝန်ဆောင်မှုပေးသည်၊ သို့မှသာ အခြားနေရာရှိ probe များက ၎င်းတို့မြင်ရသည်ကို ဤကွန်ရက်မြင်ရသည်နှင့် နှိုင်းယှဉ်နိုင်မည်။ ဆင်ဆာမရှိသော ကွန်ရက်တွင်သာ ဖွင့်ပါ။</translation>
        </message>
        <message>
            <location line="+12" />
            <source>resolve names with this DNS server instead of the system resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စနစ်၏ resolver အစား ဤ DNS ဆာဗာဖြင့် အမည်များကို ရှာဖွေပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>serve HTTPS with this certificate (PEM), so probes' requests are encrypted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">probe များ၏ တောင်းဆိုချက်များကို စာဝှက်ရန် ဤလက်မှတ် (PEM) ဖြင့် HTTPS ဝန်ဆောင်မှုပေးပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>its private key (PEM)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">၎င်း၏ private key (PEM)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="+26" />
            <source>--tls-cert and --tls-key go together.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">--tls-cert နှင့် --tls-key ကို အတူသုံးရမည်။</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Cannot use that certificate and key: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထိုလက်မှတ်နှင့် key ကို သုံး၍မရပါ- {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/logging_setup.py" line="+35" />
            <source>keep a diagnostic log in Byway's log folder (addresses and bridges are removed from it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ၏ မှတ်တမ်းဖိုင်တွဲတွင် ရောဂါရှာမှတ်တမ်း ထားပါ (လိပ်စာများနှင့် bridge များကို ဖယ်ရှားထားသည်)</translation>
        </message>
        <message>
            <location line="+35" />
            <source>No diagnostic log this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤတစ်ကြိမ် ရောဂါရှာမှတ်တမ်း မရှိပါ- {why}</translation>
        </message>
    </context>
    <context>
        <name>ConnectedPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="+23" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်ပြီးပါပြီ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Point your applications at this SOCKS5 proxy. Tor Browser needs no setting.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် app များကို ဤ SOCKS5 proxy သို့ ညွှန်ပါ။ Tor Browser အတွက် ဆက်တင် မလိုပါ။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>SOCKS address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS လိပ်စာ</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The address and port of the SOCKS5 proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS5 proxy ၏ လိပ်စာနှင့် port</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cop&amp;y</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကူးယူ (&amp;Y)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the SOCKS address to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS လိပ်စာကို clipboard သို့ ကူးယူပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Demo: this address is made up and nothing listens there. No traffic was sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo- ဤလိပ်စာသည် လုပ်ကြံထားခြင်းဖြစ်ပြီး ထိုနေရာတွင် ဘာမှ နားမထောင်ပါ။ traffic တစ်ခုမှ မပို့ခဲ့ပါ။</translation>
        </message>
        <message>
            <location line="+10" />
            <source>&amp;Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှုဖြတ် (&amp;D)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop Tor and close the connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကို ရပ်ပြီး ချိတ်ဆက်မှုကို ပိတ်ပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connected with {way} in {seconds:.0f} s.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{way} ဖြင့် {seconds:.0f} စက္ကန့်အတွင်း ချိတ်ဆက်ပြီးပါပြီ။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Copied.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကူးယူပြီးပါပြီ။</translation>
        </message>
    </context>
    <context>
        <name>ConnectingPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="+25" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်နေသည်</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+42" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကို စတင်နေသည်</translation>
        </message>
        <message>
            <location line="-40" />
            <source>Connection progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှု တိုးတက်မှု</translation>
        </message>
        <message>
            <location line="+0" />
            <source>How far Tor has got</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ဘယ်အထိ ရောက်နေပြီလဲ</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+1" />
            <location line="+26" />
            <source>Show log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မှတ်တမ်း ပြရန်</translation>
        </message>
        <message>
            <location line="-27" />
            <source>Show or hide Tor's messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ၏ စာများကို ပြ သို့မဟုတ် ဝှက်ပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Connection log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှု မှတ်တမ်း</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Every step Tor reported, with the time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor အစီရင်ခံခဲ့သော အဆင့်တိုင်း၊ အချိန်နှင့်တကွ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Back to the plan</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အစီအစဉ်သို့ ပြန်သွား (&amp;B)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Return to the ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ပေါက်များသို့ ပြန်သွားပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပယ်ဖျက် (&amp;C)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop connecting and stop Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်ခြင်းကို ရပ်ပြီး Tor ကို ရပ်ပါ</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Hide log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မှတ်တမ်း ဝှက်ရန်</translation>
        </message>
        <message>
            <location line="+30" />
            <location line="+3" />
            <source>Trying {way}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{way} ကို စမ်းနေသည်</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မထားပါ</translation>
        </message>
    </context>
    <context>
        <name>Consent</name>
        <message>
            <location filename="../../desktop/byway/consent.py" line="+17" />
            <source>Before Byway tests this network, please know:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway က ဤကွန်ရက်ကို မစမ်းသပ်မီ ကျေးဇူးပြု၍ သိထားပါ-</translation>
        </message>
        <message>
            <location line="+1" />
            <source>- Anyone who watches this connection (your internet provider, your employer, a government) can see that these tests are running and which sites they try.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- ဤချိတ်ဆက်မှုကို စောင့်ကြည့်နေသူ မည်သူမဆို (သင့်အင်တာနက်ဝန်ဆောင်မှုပေးသူ၊ သင့်အလုပ်ရှင်၊ အစိုးရ) သည် ဤစမ်းသပ်မှုများ လုပ်နေကြောင်းနှင့် မည်သည့်ဆိုက်များကို စမ်းနေကြောင်း မြင်နိုင်သည်။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Some of the sites Byway tests may be illegal or frowned upon where you are. You can test only the addresses you choose instead.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway စမ်းသပ်သော ဆိုက်အချို့သည် သင်ရှိရာနေရာတွင် တရားမဝင် သို့မဟုတ် မကြိုက်ကြသည့်အရာ ဖြစ်နိုင်သည်။ ယင်းအစား သင်ရွေးသော လိပ်စာများကိုသာ စမ်းသပ်နိုင်သည်။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Byway uploads nothing. Results stay on this computer unless you share them yourself.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway သည် ဘာကိုမှ upload မလုပ်ပါ။ သင်ကိုယ်တိုင် မျှဝေခြင်းမပြုလျှင် ရလဒ်များသည် ဤကွန်ပျူတာပေါ်တွင်သာ ရှိနေမည်။</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Type yes to run the tests, or anything else to stop: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှုများ လုပ်ရန် ဟုတ်ကဲ့ ဟု ရိုက်ပါ၊ ရပ်ရန် အခြားမည်သည့်အရာမဆို ရိုက်ပါ- </translation>
        </message>
        <message>
            <location line="+9" />
            <source>yes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဟုတ်ကဲ့</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="+33" />
            <source>Something went wrong</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">တစ်ခုခု မှားသွားသည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway hit a problem it did not expect. Your connection settings are safe. If you report this, copy the text below: addresses and bridges have been removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway သည် မမျှော်လင့်ထားသော ပြဿနာတစ်ခုနှင့် ကြုံခဲ့သည်။ သင့်ချိတ်ဆက်မှုဆက်တင်များ ဘေးကင်းပါသည်။ ဤအကြောင်း အစီရင်ခံလိုလျှင် အောက်ပါစာသားကို ကူးယူပါ- လိပ်စာများနှင့် bridge များကို ၎င်းထဲမှ ဖယ်ရှားထားပြီး ဖြစ်သည်။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Problem report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပြဿနာ အစီရင်ခံစာ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Technical details, scrubbed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နည်းပညာအသေးစိတ်၊ သန့်စင်ပြီး</translation>
        </message>
        <message>
            <location line="+5" />
            <location line="+1" />
            <source>Copy report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အစီရင်ခံစာ ကူးယူရန်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the scrubbed report to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သန့်စင်ထားသော အစီရင်ခံစာကို clipboard သို့ ကူးယူပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Close</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်ရန်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close this message</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤစာကို ပိတ်ပါ</translation>
        </message>
    </context>
    <context>
        <name>Demo</name>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="+111" />
            <source>Demo scenario {file}, {field}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo scenario {file}၊ {field}- {problem}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>expected a number from {low} to {high}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{low} မှ {high} အတွင်း နံပါတ်ကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>expected some text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာသား တစ်ခုခုကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{value} is not one of: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{value} သည် ဤတို့ထဲမှ တစ်ခု မဟုတ်ပါ- {known}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected a [[site]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">[[site]] table ကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a blockpage needs an http:// address (HTTPS is reset instead)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">blockpage တစ်ခုသည် http:// လိပ်စာ လိုအပ်သည် (HTTPS ကိုမူ ဖြတ်တောက်သည်)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>no file blockpages/{name}.html</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">blockpages/{name}.html ဖိုင် မရှိပါ</translation>
        </message>
        <message>
            <location line="+15" />
            <source>expected a [[way]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">[[way]] table ကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+15" />
            <source>a scenario needs at least one [[site]]</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">scenario တစ်ခုတွင် [[site]] အနည်းဆုံး တစ်ခု လိုအပ်သည်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected [[way]] tables</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">[[way]] table များကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected a [tor] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">[tor] table ကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+30" />
            <source>There is no demo scenario called {name}. Known scenarios: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} အမည်ရှိ demo scenario မရှိပါ။ သိထားသော scenario များ- {known}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="+47" />
            <source>None of the ways in the plan could connect. Try again later, or add a private bridge in Settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အစီအစဉ်ထဲမှ နည်းလမ်းတစ်ခုမှ မချိတ်ဆက်နိုင်ခဲ့ပါ။ နောက်မှ ထပ်စမ်းပါ၊ သို့မဟုတ် ဆက်တင်များတွင် သီးသန့် bridge တစ်ခု ထည့်ပါ။</translation>
        </message>
        <message>
            <location line="+39" />
            <source>tor reported {reason} at {progress}%: this way is blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor က {progress}% တွင် {reason} ကို အစီရင်ခံခဲ့သည်- ဤနည်းလမ်းကို ဤနေရာတွင် ပိတ်ထားသည်။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>No progress past {progress}% for a while: moving on to the next way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{progress}% ထက် တစ်ခဏကြာ မတိုးတက်ပါ- နောက်နည်းလမ်းသို့ ကူးနေသည်။</translation>
        </message>
    </context>
    <context>
        <name>DemoScenario</name>
        <message>
            <location filename="../../desktop/byway/demo/words.py" line="+17" />
            <source>China, the Great Firewall</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">တရုတ်၊ Great Firewall</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Iran, autumn 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အီရန်၊ 2022 ဆောင်းဦး</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Russia, 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရုရှား၊ 2022</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A full shutdown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အင်တာနက် အပြည့်အဝ ဖြတ်တောက်ခြင်း</translation>
        </message>
        <message>
            <source>Modelled on the GFW: forged DNS answers from known poison addresses, SNI resets, IP blocking; Tor relays and public bridges blocked; Snowflake gets through, slowly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">GFW ကို အခြေခံထားသည်- လူသိများသော poison လိပ်စာများမှ အတု DNS အဖြေများ၊ SNI reset များ၊ IP ပိတ်ဆို့ခြင်း၊ Tor relay များနှင့် အများသုံး bridge များ ပိတ်ထား၊ Snowflake ဖြတ်သန်းနိုင်သည်၊ နှေးနှေး။</translation>
        </message>
        <message>
            <source>Show the forged DNS answers first: 8.7.198.45 and 46.82.174.68 are published GFW poison addresses,
and the details name them. Google's encrypted connection is reset by name (SNI) and the New York
Times' address is black-holed. Baidu works. Every directory authority is unreachable by address, and
the public obfs4 bridges stall at 2%: they are on the blocklist, and since about 2021 the GFW also
detects traffic that looks fully random. Snowflake connects, slowly. The lesson: private bridges
and transports that look like something else. Modelled on published research; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အတု DNS အဖြေများကို အရင်ပြပါ- 8.7.198.45 နှင့် 46.82.174.68 တို့သည် ထုတ်ပြန်ထားသော GFW poison လိပ်စာများ ဖြစ်ပြီး အသေးစိတ်တွင် ၎င်းတို့ကို ဖော်ပြထားသည်။ Google ၏ စာဝှက်ချိတ်ဆက်မှုကို အမည် (SNI) ဖြင့် reset လုပ်ပြီး New York Times ၏ လိပ်စာကို black hole လုပ်ထားသည်။ Baidu အလုပ်လုပ်သည်။ directory authority တိုင်းသို့ လိပ်စာဖြင့် မရောက်နိုင်ဘဲ အများသုံး obfs4 bridge များသည် 2% တွင် ရပ်နေသည်- ၎င်းတို့သည် ပိတ်ဆို့စာရင်းတွင် ပါပြီး 2021 ခန့်မှစ၍ GFW သည် လုံးဝ ကျပန်းပုံပေါ်သော traffic ကိုလည်း ဖော်ထုတ်သည်။ Snowflake နှေးနှေး ချိတ်ဆက်သည်။ သင်ခန်းစာ- သီးသန့် bridge များနှင့် အခြားအရာနှင့်တူသော transport များ။ ထုတ်ပြန်ထားသော သုတေသနကို အခြေခံထားသည်၊ ခန့်မှန်းချက်သာ။</translation>
        </message>
        <message>
            <source>Modelled on Iran during the Mahsa Amini protests: DNS tampering, SNI resets and HTTP blockpages; Tor relays and public obfs4 bridges blocked; Snowflake gets through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mahsa Amini ဆန္ဒပြပွဲများအတွင်း အီရန်ကို အခြေခံထားသည်- DNS ပြင်ဆင်ခြင်း၊ SNI reset များနှင့် HTTP blockpage များ၊ Tor relay များနှင့် အများသုံး obfs4 bridge များ ပိတ်ထား၊ Snowflake ဖြတ်သန်းနိုင်သည်။</translation>
        </message>
        <message>
            <source>Point out the three layers at work: Instagram's encrypted connection is cut by name (SNI), WhatsApp's
name resolves to a private 10.10.34.x address (DNS injection), and plain-HTTP BBC Persian returns the
national blockpage (the iframe to 10.10.34.34). Wikipedia and the domestic shop still work: this is
targeted censorship, not a shutdown. Tor's relays do not answer at all, and public obfs4 bridges stall
at 2%: in 2022 Snowflake users from Iran went from about 20k to about 100k. For the nightly mobile
shutdowns of that autumn, switch to the "shutdown" scenario. Modelled on OONI and Tor Project reports;
the numbers are approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အလုပ်လုပ်နေသော အလွှာသုံးခုကို ထောက်ပြပါ- Instagram ၏ စာဝှက်ချိတ်ဆက်မှုကို အမည် (SNI) ဖြင့် ဖြတ်တောက်သည်၊ WhatsApp ၏ အမည်သည် သီးသန့်လိပ်စာ 10.10.34.x သို့ ညွှန်သည် (DNS injection)၊ ရိုးရိုး HTTP ဖြင့် BBC Persian က နိုင်ငံတော် blockpage (10.10.34.34 သို့ iframe) ကို ပြန်ပေးသည်။ Wikipedia နှင့် ပြည်တွင်းဆိုင် အလုပ်လုပ်ဆဲ- ၎င်းသည် ပစ်မှတ်ထား ဆင်ဆာဖြစ်ပြီး အင်တာနက်ဖြတ်တောက်ခြင်း မဟုတ်ပါ။ Tor relay များ လုံးဝ မတုံ့ပြန်ဘဲ အများသုံး obfs4 bridge များသည် 2% တွင် ရပ်နေသည်- 2022 တွင် အီရန်မှ Snowflake အသုံးပြုသူများ 20k ခန့်မှ 100k ခန့်အထိ တိုးလာခဲ့သည်။ ထိုဆောင်းဦး၏ ညဘက် မိုဘိုင်းဖြတ်တောက်မှုများအတွက် "shutdown" scenario သို့ ပြောင်းပါ။ OONI နှင့် Tor Project အစီရင်ခံစာများကို အခြေခံထားသည်၊ ကိန်းဂဏန်းများမှာ ခန့်မှန်းချက်သာ။</translation>
        </message>
        <message>
            <source>Modelled on Russia in 2022: torproject.org and social networks blocked, Twitter throttled, Tor's handshake recognised by DPI; bridges get through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">2022 ရုရှားကို အခြေခံထားသည်- torproject.org နှင့် လူမှုကွန်ရက်များ ပိတ်ထား၊ Twitter ကို နှေးအောင်လုပ်ထား၊ Tor ၏ handshake ကို DPI က သိရှိ၊ bridge များ ဖြတ်သန်းနိုင်သည်။</translation>
        </message>
        <message>
            <source>The Russian filter (TSPU) works by name and by protocol: Facebook and Instagram are reset, the plain-
HTTP page of torproject.org returns the RKN blockpage, and Twitter loads but crawls (throttling by
SNI in 2021 held it near 130-150 kbit/s; Byway does not call slowness censorship, so say it aloud).
Tor's relays accept a TCP connection, but the TLS handshake is reset: Tor is recognised by its
fingerprint, so plain Tor fails at the handshake. Snowflake and obfs4 bridges worked for most users;
Tor's user numbers from Russia recovered with bridges. Modelled on OONI and Tor reports; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရုရှား filter (TSPU) သည် အမည်နှင့် protocol ဖြင့် အလုပ်လုပ်သည်- Facebook နှင့် Instagram ကို reset လုပ်သည်၊ torproject.org ၏ ရိုးရိုး HTTP စာမျက်နှာက RKN blockpage ကို ပြန်ပေးသည်၊ Twitter ပွင့်သော်လည်း အလွန်နှေးသည် (2021 တွင် SNI ဖြင့် နှေးအောင်လုပ်ခြင်းက ၎င်းကို 130-150 kbit/s ခန့်တွင် ထားခဲ့သည်၊ Byway သည် နှေးခြင်းကို ဆင်ဆာဟု မခေါ်သဖြင့် ၎င်းကို အသံထွက် ပြောပြပါ)။ Tor relay များသည် TCP ချိတ်ဆက်မှုကို လက်ခံသော်လည်း TLS handshake ကို reset လုပ်သည်- Tor ကို ၎င်း၏ fingerprint ဖြင့် သိရှိသဖြင့် Tor တိုက်ရိုက်သည် handshake တွင် မအောင်မြင်ပါ။ Snowflake နှင့် obfs4 bridge များသည် အသုံးပြုသူအများစုအတွက် အလုပ်လုပ်ခဲ့သည်၊ ရုရှားမှ Tor အသုံးပြုသူ အရေအတွက်သည် bridge များဖြင့် ပြန်တက်လာသည်။ OONI နှင့် Tor အစီရင်ခံစာများကို အခြေခံထားသည်၊ ခန့်မှန်းချက်သာ။</translation>
        </message>
        <message>
            <source>Nothing leaves the country: every site, encrypted DNS and every Tor relay time out. No transport can help.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နိုင်ငံမှ ဘာမှ အပြင်မထွက်ပါ- ဆိုက်တိုင်း၊ စာဝှက် DNS နှင့် Tor relay တိုင်း အချိန်ကုန်သွားသည်။ မည်သည့် transport မှ မကူညီနိုင်ပါ။</translation>
        </message>
        <message>
            <source>Let the diagnosis run to the end: every probe times out, including the control-side checks, DNS over
HTTPS and Tor's relays. Byway says "No Internet" instead of listing blocked sites, and the advice page
recommends no transport, because none can work until the network comes back. This is what Myanmar's
nightly shutdowns from 2021 and Iran's regional mobile shutdowns in 2022 looked like from a phone.
Use it to talk about offline preparation: saved bridges, mesh messengers, and knowing the difference.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စစ်ဆေးမှုကို အဆုံးထိ လုပ်ပါစေ- control ဘက်မှ စစ်ဆေးမှုများ၊ DNS over HTTPS နှင့် Tor relay များ အပါအဝင် probe တိုင်း အချိန်ကုန်သွားသည်။ Byway သည် ပိတ်ထားသော ဆိုက်များကို စာရင်းပြမည့်အစား "အင်တာနက် မရှိပါ" ဟု ပြောပြီး အကြံပြုချက်စာမျက်နှာက မည်သည့် transport ကိုမှ အကြံမပြုပါ၊ အဘယ်ကြောင့်ဆိုသော် ကွန်ရက် ပြန်မလာမချင်း မည်သည့်တစ်ခုမှ အလုပ်မလုပ်နိုင်သောကြောင့် ဖြစ်သည်။ 2021 မှစ၍ မြန်မာနိုင်ငံ၏ ညဘက် အင်တာနက်ဖြတ်တောက်မှုများနှင့် 2022 တွင် အီရန်၏ ဒေသဆိုင်ရာ မိုဘိုင်းဖြတ်တောက်မှုများသည် ဖုန်းမှကြည့်လျှင် ဤသို့ ဖြစ်ခဲ့သည်။ အော့ဖ်လိုင်း ပြင်ဆင်မှုအကြောင်း ဆွေးနွေးရန် သုံးပါ- သိမ်းထားသော bridge များ၊ mesh messenger များနှင့် ကွာခြားချက်ကို သိခြင်း။</translation>
        </message>
    </context>
    <context>
        <name>DiagnosePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="+26" />
            <source>Testing this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်ကို စမ်းသပ်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+43" />
            <source>Getting ready...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပြင်ဆင်နေသည်...</translation>
        </message>
        <message>
            <location line="-39" />
            <source>Test progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှု တိုးတက်မှု</translation>
        </message>
        <message>
            <location line="+1" />
            <source>How many of the sites and Tor relays have been tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆိုက်များနှင့် Tor relay များ မည်မျှ စမ်းသပ်ပြီးပြီနည်း</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sites and relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆိုက်များနှင့် relay များ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each site and Tor relay being tested, and what was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်နေသော ဆိုက်နှင့် Tor relay တစ်ခုစီ၊ တွေ့ရှိချက်နှင့်တကွ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>What</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဘာ</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Result</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရလဒ်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပယ်ဖျက် (&amp;C)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop the tests now; nothing more is sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှုများကို ယခု ရပ်ပါ၊ နောက်ထပ် ဘာမှ မပို့ပါ</translation>
        </message>
        <message>
            <location line="+26" />
            <source>waiting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စောင့်နေသည်</translation>
        </message>
        <message>
            <location line="+23" />
            <location line="+4" />
            <source>{done} of {total} tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{total} ခုအနက် {done} ခု စမ်းသပ်ပြီး</translation>
        </message>
        <message>
            <location line="+7" />
            <source>testing...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်နေသည်...</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Tor relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor relay များ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{ok} of {done} answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{done} ခုအနက် {ok} ခု တုံ့ပြန်သည်</translation>
        </message>
        <message>
            <location line="-14" />
            <source>blocked: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်ထားသည်- {how}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>works</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အလုပ်လုပ်သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဖြေမရှိ</translation>
        </message>
        <message>
            <location line="-14" />
            <source>Seen so far: {techniques}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ယခုထိ တွေ့ရသည်- {techniques}</translation>
        </message>
    </context>
    <context>
        <name>Findings</name>
        <message>
            <location filename="../../desktop/byway/analyze/words.py" line="+23" />
            <source>NXDOMAIN (no such name)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">NXDOMAIN (ထိုအမည် မရှိပါ)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SERVFAIL (server failure)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SERVFAIL (ဆာဗာ ချို့ယွင်းချက်)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>REFUSED</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">REFUSED (ငြင်းပယ်သည်)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဖြေမရှိ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bogon address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bogon လိပ်စာ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>timeout</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အချိန်ကုန်သွားသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>reset</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">reset ဖြစ်သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ငြင်းပယ်ခံရသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>connection closed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှု ပိတ်သွားသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>host unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">host သို့ မရောက်နိုင်ပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate for another name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အခြားအမည်အတွက် လက်မှတ်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate from an unknown authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မသိသော authority ထံမှ လက်မှတ်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>invalid certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မမှန်ကန်သော လက်မှတ်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>failed handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">handshake မအောင်မြင်ပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>success</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အောင်မြင်သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the ISP resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ISP ၏ resolver</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the encrypted resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာဝှက် resolver {resolver}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">resolver {resolver}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဘာမှ မရှိ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>country unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နိုင်ငံ မသိပါ</translation>
        </message>
        <message>
            <location line="+15" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS injection- {resolver} က {addresses} ဟု ဖြေသည်၊ ၎င်းသည် bogon နှင့် လူသိများသော injector ၏ လိပ်စာ ({fingerprint}၊ {countries}) ဖြစ်သည်၊ control က {control} ကို တွေ့သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS injection- {resolver} က {subject} အတွက် {addresses} ဟု ဖြေသည်၊ ၎င်းသည် လူသိများသော injector ၏ လိပ်စာ ({fingerprint}၊ {countries}) ဖြစ်သည်၊ control က {control} ကို တွေ့သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late}; an injector raced the genuine resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS injection- {resolver} က {subject} အတွက် မတူညီသော အဖြေနှစ်ခု ပို့သည်၊ {addresses} ပြီးနောက် {late}၊ injector တစ်ခုက စစ်မှန်သော resolver ကို အပြိုင်ဖြေခဲ့သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS injection- {resolver} က {addresses} ဟု ဖြေသည်၊ ၎င်းသည် bogon ဖြစ်သည်၊ control က {control} ကို တွေ့သည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}; the control found {control}, on another network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS injection- {resolver} က {subject} အတွက် {addresses} ဟု ဖြေသည်၊ control က အခြားကွန်ရက်တွင် {control} ကို တွေ့သည်</translation>
        </message>
        <message>
            <location line="+14" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake without a name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI စစ်ထုတ်ခြင်း- {subject} အတွက် ClientHello ပြီးနောက် {failure}၊ တူညီသော IP က အမည်မပါဘဲ handshake ပြီးမြောက်သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake for a benign name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI စစ်ထုတ်ခြင်း- {subject} အတွက် ClientHello ပြီးနောက် {failure}၊ တူညီသော IP က အန္တရာယ်မရှိသော အမည်ဖြင့် handshake ပြီးမြောက်သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure}; the control's handshake validates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS နှောင့်ယှက်ခြင်း- {subject} ၏ စစ်မှန်သော လိပ်စာ {endpoint} က {failure} ကို ပြသည်၊ control ၏ handshake မှန်ကန်သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: every handshake with {endpoint} for {subject} ends in {failure}, though TCP connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS နှောင့်ယှက်ခြင်း- {subject} အတွက် {endpoint} နှင့် handshake တိုင်း {failure} ဖြင့် ဆုံးသည်၊ TCP ချိတ်ဆက်နိုင်သော်လည်း</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP blockpage- {subject} က blockpage {fingerprint} ({countries}) ကို ပြန်ပေးသည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{percent}% of its length</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">၎င်း၏ အရှည်၏ {percent}%</translation>
        </message>
        <message>
            <location line="+2" />
            <source>length not compared</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အရှည်ကို မနှိုင်းယှဉ်ခဲ့ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>HTTP diff: the page for {subject} differs from the control's (status {status} vs {control_status}, {proportion}); no known blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP ကွာခြားချက်- {subject} ၏ စာမျက်နှာသည် control ၏ စာမျက်နှာနှင့် ကွာခြားသည် (status {status} နှင့် {control_status}၊ {proportion})၊ လူသိများသော blockpage မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP failure: fetching {subject} failed ({failure}); the control fetched it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP မအောင်မြင်ခြင်း- {subject} ကို ရယူခြင်း မအောင်မြင်ပါ ({failure})၊ control က ရယူနိုင်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS ပိတ်ဆို့ခြင်း- {resolver} က {subject} အတွက် {failure} ပေးသည်၊ control က ၎င်းကို {control} ဟု ရှာတွေ့သည်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာဝှက် DNS ကို ပိတ်ထားသည်- DNS-over-HTTPS resolver {subject} သို့ မရောက်နိုင်ပါ ({failure})</translation>
        </message>
        <message>
            <location line="+7" />
            <source>IP black hole: connecting to {endpoint} times out; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP black hole- {endpoint} သို့ ချိတ်ဆက်ခြင်း အချိန်ကုန်သွားသည်၊ control က ချိတ်ဆက်နိုင်သည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>IP blocking: connecting to {endpoint} fails ({failure}); the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP ပိတ်ဆို့ခြင်း- {endpoint} သို့ ချိတ်ဆက်ခြင်း မအောင်မြင်ပါ ({failure})၊ control က ချိတ်ဆက်နိုင်သည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TCP reset injection: the connection for {subject} was reset after the request was sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP reset injection- တောင်းဆိုချက် ပို့ပြီးနောက် {subject} အတွက် ချိတ်ဆက်မှုကို reset လုပ်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+5" />
            <source>TCP reset injection: the connection to {endpoint} was {failure}; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP reset injection- {endpoint} သို့ ချိတ်ဆက်မှု- {failure}၊ control က ချိတ်ဆက်နိုင်သည်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Site down: {subject} fails from outside too ({failure}); this is not censorship</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆိုက် ပျက်နေသည်- {subject} သည် ပြင်ပမှလည်း မအောင်မြင်ပါ ({failure})၊ ၎င်းသည် ဆင်ဆာ မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after a trigger</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မစမ်းသပ်ရသေးပါ- {subject} ကို ခုနကလေးတင် စစ်ဆေးခဲ့ပြီး ဆင်ဆာအချို့သည် trigger ပြီးနောက် မိနစ်အတော်ကြာ ဆက်ပိတ်ထားတတ်သည်</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS ပိတ်ဆို့ခြင်း</translation>
        </message>
        <message>
            <location line="+1" />
            <source>DNS injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS injection</translation>
        </message>
        <message>
            <location line="+1" />
            <source>encrypted DNS blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာဝှက် DNS ကို ပိတ်ထားသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>IP black hole</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP black hole</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TCP reset injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP reset injection</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS SNI filtering</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI စစ်ထုတ်ခြင်း</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS interference</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS နှောင့်ယှက်ခြင်း</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP blockpage</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP diff</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP ကွာခြားချက်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP failure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP မအောင်မြင်ခြင်း</translation>
        </message>
        <message>
            <location line="+1" />
            <source>site down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆိုက် ပျက်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>not tested (pacing)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မစမ်းသပ်ရသေး (ခဏနား)</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{list}, {item}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{list}၊ {item}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{first} and {last}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} နှင့် {last}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays. This looks like a shutdown or an outage, not censorship of particular sites.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အင်တာနက် မရှိပါ- ဘာမှ မတုံ့ပြန်ပါ၊ နိုင်ငံခြားဆိုက်များ၊ စာဝှက် DNS သို့မဟုတ် Tor relay များပင် မတုံ့ပြန်ပါ။ ၎င်းသည် သီးခြားဆိုက်များကို ဆင်ဆာလုပ်ခြင်းမဟုတ်ဘဲ အင်တာနက်ဖြတ်တောက်ခြင်း သို့မဟုတ် ချို့ယွင်းခြင်းနှင့် တူသည်။</translation>
        </message>
        <message>
            <location line="+7" />
            <source>blocks Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကို ပိတ်သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>tampers with DNS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS ကို ဝင်ရောက်ပြင်ဆင်သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocks some addresses</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လိပ်စာအချို့ကို ပိတ်သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>filters encrypted connections by name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာဝှက်ချိတ်ဆက်မှုများကို အမည်ဖြင့် စစ်ထုတ်သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>interferes with encrypted connections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာဝှက်ချိတ်ဆက်မှုများကို နှောင့်ယှက်သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>tampers with web pages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဝက်ဘ်စာမျက်နှာများကို ဝင်ရောက်ပြင်ဆင်သည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Your network {actions}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်ကွန်ရက်သည် {actions}။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>We found no censorship of the sites tested, but some Tor relays could not be reached.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်ခဲ့သော ဆိုက်များတွင် ဆင်ဆာ မတွေ့ရပါ၊ သို့သော် Tor relay အချို့သို့ မရောက်နိုင်ခဲ့ပါ။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>We found no sign of censorship on this network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်တွင် ဆင်ဆာ လက္ခဏာ မတွေ့ရပါ။</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{layer}: no interference seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}- နှောင့်ယှက်မှု မတွေ့ရပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{technique} ({count} of {total} targets)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{technique} (ပစ်မှတ် {total} ခုအနက် {count} ခု)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{layer}: interfered with: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}- နှောင့်ယှက်ခံရသည်- {how}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: directory authorities not tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor- directory authority များကို မစမ်းသပ်ရသေးပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: all {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor- directory authority {tested} ခုလုံး တုံ့ပြန်သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: {reachable} of {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor- directory authority {tested} ခုအနက် {reachable} ခု တုံ့ပြန်သည်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor: blocked by address: none of {tested} directory authorities accepts a connection, while websites work</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor- လိပ်စာဖြင့် ပိတ်ထားသည်- ဝက်ဘ်ဆိုက်များ အလုပ်လုပ်နေစဉ် directory authority {tested} ခုထဲမှ တစ်ခုမှ ချိတ်ဆက်မှုကို လက်မခံပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake completes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor- ပိတ်ထားသည်- directory authority {tested} ခုသို့ ချိတ်ဆက်မှုများ ပွင့်သော်လည်း TLS handshake တစ်ခုမှ မပြီးမြောက်ပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: no directory authority answers, like everything else</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor- အခြားအရာအားလုံးကဲ့သို့ပင် directory authority တစ်ခုမှ မတုံ့ပြန်ပါ</translation>
        </message>
    </context>
    <context>
        <name>GeneralTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+49" />
            <source>Language</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဘာသာစကား</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The language of Byway's window and messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ၏ window နှင့် စာများ၏ ဘာသာစကား</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Same as the system</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စနစ်နှင့် အတူတူ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Language:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဘာသာစကား-</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Where secrets are kept...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များ သိမ်းရာနေရာ (&amp;W)...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Choose between keeping secrets for this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များကို ဤ session အတွက်သာ ထားမလား၊ Byway ၏ စာဝှက်ထားသော vault တွင် ထားမလား ရွေးပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>&amp;Change the vault passphrase...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault စကားဝှက်စာကြောင်း ပြောင်းရန် (&amp;C)...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the vault's current passphrase, then choose a new one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault ၏ လက်ရှိ စကားဝှက်စာကြောင်းကို ရိုက်ပါ၊ ထို့နောက် အသစ်တစ်ခု ရွေးပါ</translation>
        </message>
        <message>
            <location line="+13" />
            <source>&amp;Forget everything...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အားလုံးကို မေ့ပစ် (&amp;F)...</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete Byway's settings, saved bridges, passwords, Tor state and logs from this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ၏ ဆက်တင်များ၊ သိမ်းထားသော bridge များ၊ စကားဝှက်များ၊ Tor အခြေအနေနှင့် မှတ်တမ်းများကို ဤကွန်ပျူတာမှ ဖျက်ပါ</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Secrets are kept in the system keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များကို စနစ်၏ keyring တွင် သိမ်းထားသည်။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Secrets are kept in Byway's own vault, protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များကို စကားဝှက်စာကြောင်းဖြင့် ကာကွယ်ထားသော Byway ၏ ကိုယ်ပိုင် vault တွင် သိမ်းထားသည်။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets are kept only until Byway closes, and never written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များကို Byway ပိတ်သည်အထိသာ ထားပြီး disk ပေါ်သို့ ဘယ်တော့မှ မရေးပါ။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Portable mode: everything stays in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သယ်ဆောင်နိုင်သော မုဒ်- အရာအားလုံး {folder} တွင် ရှိနေသည်။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Installed mode: settings are in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထည့်သွင်းထားသော မုဒ်- ဆက်တင်များသည် {folder} တွင် ရှိသည်။</translation>
        </message>
        <message>
            <location line="+31" />
            <source>The vault's passphrase was changed. From now on, only the new one opens it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault ၏ စကားဝှက်စာကြောင်း ပြောင်းပြီးပါပြီ။ ယခုမှစ၍ အသစ်ကသာ ၎င်းကို ဖွင့်နိုင်သည်။</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Something unexpected went wrong. The passphrase was not changed: the vault still opens with its current passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မမျှော်လင့်ထားသော အမှားတစ်ခု ဖြစ်ခဲ့သည်။ စကားဝှက်စာကြောင်း မပြောင်းပါ- vault ကို လက်ရှိ စကားဝှက်စာကြောင်းဖြင့် ဆက်ဖွင့်နိုင်သည်။</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Forget everything?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အားလုံးကို မေ့ပစ်မလား။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>This deletes Byway's settings, your saved bridges and passwords, Tor's state and the logs from this computer. It cannot be undone.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">၎င်းသည် Byway ၏ ဆက်တင်များ၊ သင်သိမ်းထားသော bridge များနှင့် စကားဝှက်များ၊ Tor ၏ အခြေအနေနှင့် မှတ်တမ်းများကို ဤကွန်ပျူတာမှ ဖျက်ပစ်သည်။ ပြန်ပြင်၍ မရပါ။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forget everything</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အားလုံးကို မေ့ပစ်ရန်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Some things could not be deleted: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အချို့အရာများကို ဖျက်၍ မရခဲ့ပါ- {what}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Everything Byway kept on this computer has been deleted.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway က ဤကွန်ပျူတာပေါ်တွင် ထားခဲ့သမျှ အားလုံးကို ဖျက်ပြီးပါပြီ။</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="+123" />
            <location line="+1" />
            <source>Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Where secrets are kept...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များ သိမ်းရာနေရာ...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Where secrets are kept</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များ သိမ်းရာနေရာ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose between this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤ session အတွက်သာ သို့မဟုတ် Byway ၏ စာဝှက်ထားသော vault ကို ရွေးပါ</translation>
        </message>
        <message>
            <location line="+113" />
            <source>&amp;Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Byway</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင်များ (&amp;S)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo မုဒ် (&amp;D)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ရန် (&amp;Q)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Help</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အကူအညီ (&amp;H)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Presenter's note</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">တင်ပြသူ၏ မှတ်စု (&amp;P)</translation>
        </message>
        <message>
            <location line="+23" />
            <source>DEMO: simulated network ({name}). Nothing is sent anywhere.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DEMO- အတုပြုလုပ်ထားသော ကွန်ရက် ({name})။ မည်သည့်နေရာသို့မှ ဘာမှ မပို့ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Byway (demo)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway (demo)</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Portable mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သယ်ဆောင်နိုင်သော မုဒ်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Installed mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထည့်သွင်းထားသော မုဒ်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Demo</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Something unexpected went wrong.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မမျှော်လင့်ထားသော အမှားတစ်ခု ဖြစ်ခဲ့သည်။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Something unexpected went wrong. A report is shown in a separate window.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မမျှော်လင့်ထားသော အမှားတစ်ခု ဖြစ်ခဲ့သည်။ အစီရင်ခံစာကို သီးခြား window တွင် ပြထားသည်။</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tests stopped. Nothing more is being sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှုများ ရပ်လိုက်ပြီ။ နောက်ထပ် ဘာမှ မပို့တော့ပါ။</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Tests finished: {headline}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှုများ ပြီးဆုံးပြီ- {headline}</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Checking which ways out can be reached from here (a few seconds)...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာမှ မည်သည့်ထွက်ပေါက်များသို့ ရောက်နိုင်သည်ကို စစ်ဆေးနေသည် (စက္ကန့်အနည်းငယ်)...</translation>
        </message>
        <message>
            <location line="+103" />
            <source>Requesting bridges is not available in this build.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤဗားရှင်းတွင် bridge တောင်းခြင်း မရနိုင်ပါ။</translation>
        </message>
    </context>
    <context>
        <name>Moat</name>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="+116" />
            <source>it is not JSON</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">JSON မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>it is nested too deeply</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဆင့်ဆင့် အထပ်များလွန်းသည်</translation>
        </message>
        <message>
            <location line="+62" />
            <source>HTTP status {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP status {status}</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+5" />
            <source>it is too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကြီးလွန်းသည်</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server could not be reached ({error}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာသို့ မရောက်နိုင်ပါ ({error})။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="+93" />
            <source>The bridge server did not understand the request.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာက တောင်းဆိုချက်ကို နားမလည်ပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The bridge server knows no working transport of those asked for here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာက ဤနေရာတွင် တောင်းထားသော transport များထဲမှ အလုပ်လုပ်သည့်တစ်ခုကိုမျှ မသိပါ။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The bridge server could not tell which country you are in; choose it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာက သင်ရှိသော နိုင်ငံကို မသိနိုင်ပါ၊ ကိုယ်တိုင် ရွေးပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The bridge server refused the request's format.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာက တောင်းဆိုချက်၏ ပုံစံကို ငြင်းပယ်သည်။</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The answer to the picture was wrong; try a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံအတွက် အဖြေ မှားသည်၊ ပုံအသစ်ဖြင့် စမ်းပါ။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The bridge server's answer was refused: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာ၏ အဖြေကို ငြင်းပယ်ခဲ့သည်- {what}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>an error without a code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကုဒ်မပါသော အမှား</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server answered with error {code}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ဆာဗာက အမှား {code} ဖြင့် ပြန်ဖြေသည်။</translation>
        </message>
        <message>
            <location line="+22" />
            <source>bridge lines are not a list of at most {n}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်းများသည် အများဆုံး {n} ခုပါ စာရင်း မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge စာကြောင်းတစ်ခုသည် စာသား မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+17" />
            <source>settings are not a short list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင်များသည် စာရင်းတို မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>a setting has no bridges object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင်တစ်ခုတွင် bridges object မရှိပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a setting has no transport type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင်တစ်ခုတွင် transport အမျိုးအစား မရှိပါ</translation>
        </message>
        <message>
            <location line="+20" />
            <source>there is no settings list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင်စာရင်း မရှိပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the country is not a two-letter code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နိုင်ငံသည် စာလုံးနှစ်လုံးကုဒ် မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the country map is not an object of countries</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နိုင်ငံမြေပုံသည် နိုင်ငံများ၏ object မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the country map has an entry that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နိုင်ငံမြေပုံတွင် နိုင်ငံမဟုတ်သော entry တစ်ခု ပါသည်</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the country list is not a list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နိုင်ငံစာရင်းသည် စာရင်း မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the country list holds something that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နိုင်ငံစာရင်းတွင် နိုင်ငံမဟုတ်သော အရာတစ်ခု ပါသည်</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the built-in bridge list is not an object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပါဝင်ပြီးသား bridge စာရင်းသည် object မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+8" />
            <source>there is no data item</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">data item မရှိပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the data item is of the wrong type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">data item ၏ အမျိုးအစား မှားနေသည်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the captcha image is missing or too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha ပုံ မရှိပါ သို့မဟုတ် ကြီးလွန်းသည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the captcha challenge is missing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha မေးခွန်း မရှိပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the captcha image is not base64</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha ပုံသည် base64 မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the captcha image is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha ပုံ ဗလာဖြစ်နေသည်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>no usable bridge came back</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အသုံးပြုနိုင်သော bridge တစ်ခုမှ ပြန်မလာပါ</translation>
        </message>
    </context>
    <context>
        <name>MoatDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/moat_dialog.py" line="+41" />
            <source>Request bridges from the Tor Project</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project ထံမှ bridge များ တောင်းရန်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the characters in the picture. The Tor Project then gives you bridges that are not published, so they are less likely to be blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံထဲရှိ စာလုံးများကို ရိုက်ပါ။ ထို့နောက် Tor Project က ထုတ်ပြန်မထားသော bridge များကို ပေးမည်ဖြစ်၍ ပိတ်ခံရနိုင်ခြေ နည်းသည်။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Captcha picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Captcha ပုံ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A picture of characters to type below; ask someone to read it if you cannot see it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အောက်တွင် ရိုက်ရမည့် စာလုံးများပါသော ပုံ၊ မမြင်ရလျှင် တစ်စုံတစ်ယောက်ကို ဖတ်ပြခိုင်းပါ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Captcha answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Captcha အဖြေ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the characters shown in the picture, then press Enter</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံတွင် ပြထားသော စာလုံးများကို ရိုက်ပြီး Enter နှိပ်ပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;New picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံအသစ် (&amp;N)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Fetch a different picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အခြားပုံတစ်ပုံ ရယူပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Get bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge များ ရယူရန်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Send the answer and receive bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဖြေကို ပို့ပြီး bridge များ လက်ခံပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပယ်ဖျက်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without requesting bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge မတောင်းဘဲ ပိတ်ပါ</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Fetching a picture...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံကို ရယူနေသည်...</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The picture could not be shown. Ask for a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံကို မပြနိုင်ပါ။ ပုံအသစ် တောင်းပါ။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Type what the picture shows.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံတွင် ပြထားသည်ကို ရိုက်ပါ။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Type what the picture shows first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပုံတွင် ပြထားသည်ကို အရင် ရိုက်ပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sending your answer...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်အဖြေကို ပို့နေသည်...</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Received {count} bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge {count} ခု ရရှိပါပြီ။</translation>
        </message>
        <message>
            <location line="-15" />
            <source>That was not the right answer. Here is a new picture: try again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဖြေ မမှန်ပါ။ ဤသည်မှာ ပုံအသစ်ဖြစ်သည်- ထပ်စမ်းပါ။</translation>
        </message>
        <message>
            <location line="+29" />
            <source>The request failed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">တောင်းဆိုချက် မအောင်မြင်ပါ။</translation>
        </message>
    </context>
    <context>
        <name>PassphraseDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/passphrase_dialog.py" line="+36" />
            <source>Change the vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault စကားဝှက်စာကြောင်း ပြောင်းရန်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type the current passphrase, then the new passphrase twice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လက်ရှိ စကားဝှက်စာကြောင်းကို ရိုက်ပါ၊ ထို့နောက် စကားဝှက်စာကြောင်းအသစ်ကို နှစ်ကြိမ် ရိုက်ပါ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the passphrase that opens the vault now, then the new one twice. Your bridges and passwords stay in the vault; only the passphrase that opens it changes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ယခု vault ကို ဖွင့်သော စကားဝှက်စာကြောင်းကို ရိုက်ပါ၊ ထို့နောက် အသစ်ကို နှစ်ကြိမ် ရိုက်ပါ။ သင့် bridge များနှင့် စကားဝှက်များ vault ထဲတွင် ဆက်ရှိနေမည်၊ ၎င်းကို ဖွင့်သော စကားဝှက်စာကြောင်းသာ ပြောင်းမည်။</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Current passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လက်ရှိ စကားဝှက်စာကြောင်း</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The passphrase that opens Byway's vault now</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ယခု Byway ၏ vault ကို ဖွင့်သော စကားဝှက်စာကြောင်း</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Current passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လက်ရှိ စကားဝှက်စာကြောင်း-</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်းအသစ်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ၏ vault အတွက် စကားဝှက်စာကြောင်းအသစ်၊ အနည်းဆုံး စာလုံး 8 လုံး</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်းအသစ်-</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်းအသစ် ထပ်မံ</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သေချာစေရန် တူညီသော စကားဝှက်စာကြောင်းကို ထပ်ရိုက်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထပ်မံ-</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မေ့သွားသော စကားဝှက်စာကြောင်းကို ပြန်ရယူရန် နည်းလမ်း မရှိပါ။</translation>
        </message>
        <message>
            <location line="+9" />
            <location line="+1" />
            <source>Change passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်း ပြောင်းရန်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Re-encrypt the vault under the new passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault ကို စကားဝှက်စာကြောင်းအသစ်ဖြင့် ပြန်လည် စာဝှက်ရန်</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပယ်ဖျက်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without changing the passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်း မပြောင်းဘဲ ပိတ်ရန်</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Type the passphrase that opens the vault now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ယခု vault ကို ဖွင့်သော စကားဝှက်စာကြောင်းကို ရိုက်ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အနည်းဆုံး စာလုံး 8 လုံးပါ စကားဝှက်စာကြောင်းကို ရွေးပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်း နှစ်ခု မတူပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The new passphrase is the same as the current one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်းအသစ်သည် လက်ရှိ စကားဝှက်စာကြောင်းနှင့် တူနေသည်။</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Checking the current passphrase and re-encrypting the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လက်ရှိ စကားဝှက်စာကြောင်းကို စစ်ဆေးပြီး vault ကို ပြန်လည် စာဝှက်နေသည်...</translation>
        </message>
    </context>
    <context>
        <name>ProxyTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="+26" />
            <source>Only if this network lets nothing out except through a proxy.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်က proxy မှတစ်ဆင့်မှလွဲ၍ ဘာမှ အပြင်မထွက်ခွင့်ပြုမှသာ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Proxy type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy အမျိုးအစား</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The kind of proxy, or none</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">proxy အမျိုးအစား၊ သို့မဟုတ် မသုံးပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>No proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">proxy မသုံးပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy host</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy host</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's host name or address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">proxy ၏ host အမည် သို့မဟုတ် လိပ်စာ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy port</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's port, 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">proxy ၏ port၊ 1 မှ 65535</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy user name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy အသုံးပြုသူအမည်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မဖြစ်မနေ မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy စကားဝှက်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional; kept as a secret</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မဖြစ်မနေ မဟုတ်ပါ၊ လျှို့ဝှက်ချက်အဖြစ် သိမ်းထားသည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အမျိုးအစား-</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Host:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Host-</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Port:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Port-</translation>
        </message>
        <message>
            <location line="+1" />
            <source>User name:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အသုံးပြုသူအမည်-</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Password:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်-</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Save &amp;proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">proxy သိမ်းရန် (&amp;P)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Use this proxy for every connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှုတိုင်းအတွက် ဤ proxy ကို သုံးပါ</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သိမ်းပြီးပါပြီ။</translation>
        </message>
    </context>
    <context>
        <name>Report</name>
        <message>
            <location filename="../../desktop/byway/report/text.py" line="+24" />
            <source>cannot tell (the control did not answer)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မပြောနိုင်ပါ (control မတုံ့ပြန်ပါ)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>accessible</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဝင်ရောက်နိုင်သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down everywhere (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နေရာတိုင်းတွင် ပျက်နေသည် (ဆင်ဆာ မဟုတ်ပါ)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>blocked (DNS)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်ထားသည် (DNS)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (TCP/IP)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်ထားသည် (TCP/IP)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (connection failed)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်ထားသည် (ချိတ်ဆက်မှု မအောင်မြင်)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (page replaced)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပိတ်ထားသည် (စာမျက်နှာကို အစားထိုးထားသည်)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Targets: {total} tested, {blocked} blocked, {down} down everywhere</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပစ်မှတ်များ- {total} ခု စမ်းသပ်ပြီး၊ {blocked} ခု ပိတ်ထား၊ {down} ခု နေရာတိုင်းတွင် ပျက်နေ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Probes not sent, to avoid residual blocking from earlier probes: {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ယခင် probe များကြောင့် ကျန်နေသော ပိတ်ဆို့မှုကို ရှောင်ရန် မပို့ခဲ့သော probe များ- {count}</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{url}: {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{url}- {status}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Byway network report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ကွန်ရက် အစီရင်ခံစာ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Measured {when} UTC, in {seconds} s</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{when} UTC တွင် တိုင်းတာခဲ့သည်၊ {seconds} စက္ကန့်ကြာသည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Targets</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပစ်မှတ်များ</translation>
        </message>
    </context>
    <context>
        <name>Resources</name>
        <message>
            <location filename="../../desktop/byway/resources.py" line="+49" />
            <source>Byway's resources folder was not found near {place}; set {variable} to its location</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{place} အနီးတွင် Byway ၏ resources ဖိုင်တွဲကို မတွေ့ပါ၊ ၎င်း၏ တည်နေရာကို {variable} တွင် သတ်မှတ်ပါ</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="+22" />
            <source>What this network does</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက် ဘာလုပ်နေသနည်း</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Overview by technique and site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နည်းလမ်းနှင့် ဆိုက်အလိုက် ခြုံငုံသုံးသပ်ချက်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>One row per site, one column per network layer; each cell says what was seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆိုက်တစ်ခုလျှင် အတန်းတစ်တန်း၊ ကွန်ရက်အလွှာတစ်ခုလျှင် ကော်လံတစ်ခု၊ အကွက်တိုင်းက တွေ့ရသည်ကို ပြောပြသည်</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+3" />
            <location line="+24" />
            <source>Show details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အသေးစိတ် ပြရန်</translation>
        </message>
        <message>
            <location line="-26" />
            <source>Show or hide the evidence behind each finding</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">တွေ့ရှိချက်တစ်ခုစီ၏ နောက်ကွယ်ရှိ အထောက်အထားကို ပြ သို့မဟုတ် ဝှက်ပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အသေးစိတ်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Every finding with its evidence, in plain words</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">တွေ့ရှိချက်တိုင်းကို ၎င်း၏ အထောက်အထားနှင့်တကွ ရိုးရှင်းသော စကားဖြင့်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထပ်စမ်းသပ် (&amp;A)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the tests once more</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်မှုများကို နောက်တစ်ကြိမ် လုပ်ပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>See the &amp;way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ပေါက်ကို ကြည့်ရန် (&amp;W)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Show the ways out that should work here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာတွင် အလုပ်လုပ်သင့်သော ထွက်ပေါက်များကို ပြပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Hide details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အသေးစိတ် ဝှက်ရန်</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆိုက်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဖြေမရှိ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အဆင်ပြေ</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Nothing to report.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အစီရင်ခံစရာ မရှိပါ။</translation>
        </message>
    </context>
    <context>
        <name>SecretStorage</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="+44" />
            <source>Secrets: system keyring</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များ- စနစ် keyring</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Secrets: Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များ- Byway ၏ စာဝှက်ထားသော vault</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets: only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များ- ဤ session အတွက်သာ</translation>
        </message>
        <message>
            <location line="+137" />
            <source>Byway runs in portable mode, so nothing is kept in this computer's keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway သည် သယ်ဆောင်နိုင်သော မုဒ်ဖြင့် လည်ပတ်နေသဖြင့် ဤကွန်ပျူတာ၏ keyring တွင် ဘာမှ မသိမ်းပါ။</translation>
        </message>
        <message>
            <location line="+13" />
            <source>No system keyring answered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စနစ် keyring တစ်ခုမှ မတုံ့ပြန်ပါ။</translation>
        </message>
        <message>
            <location line="+39" />
            <source>Choose where Byway keeps bridges and passwords.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway က bridge များနှင့် စကားဝှက်များကို ဘယ်မှာ သိမ်းမည်ကို ရွေးပါ။</translation>
        </message>
    </context>
    <context>
        <name>SelfTest</name>
        <message>
            <location filename="../../desktop/byway/selftest.py" line="+109" />
            <location line="+15" />
            <source>not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မတွေ့ပါ</translation>
        </message>
        <message>
            <location line="-21" />
            <source>{path} is the computer's copy, not the bundle's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} သည် ကွန်ပျူတာ၏ မိတ္တူဖြစ်ပြီး bundle ၏ မိတ္တူ မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+25" />
            <source>{path} is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} ဗလာဖြစ်နေသည်</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Qt cannot be loaded: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Qt ကို ဖွင့်၍ မရပါ- {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the main window did not open</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပင်မ window မပွင့်ခဲ့ပါ</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the demo tested no sites</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">demo က ဆိုက်တစ်ခုမှ မစမ်းသပ်ခဲ့ပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the advisor proposed nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အကြံပေးက ဘာမှ အကြံမပြုခဲ့ပါ</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a bundle (running from source)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bundle မဟုတ်ပါ (source မှ လည်ပတ်နေသည်)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway self-test: {where}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ကိုယ်တိုင်စစ်ဆေးမှု- {where}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the user's folders</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အသုံးပြုသူ၏ ဖိုင်တွဲများ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>  files kept in: {place}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">  ဖိုင်များ သိမ်းထားရာ- {place}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Self-test failed: {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကိုယ်တိုင်စစ်ဆေးမှု မအောင်မြင်ပါ- {names}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Self-test passed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကိုယ်တိုင်စစ်ဆေးမှု အောင်မြင်ပါသည်။</translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="+53" />
            <source>Enter the proxy's host name or address, without spaces.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">proxy ၏ host အမည် သို့မဟုတ် လိပ်စာကို space မပါဘဲ ထည့်ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Enter a port from 1 to 65535.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">1 မှ 65535 အတွင်း port တစ်ခု ထည့်ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS4 proxies take no user name or password.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS4 proxy များသည် အသုံးပြုသူအမည် သို့မဟုတ် စကားဝှက် မယူပါ။</translation>
        </message>
        <message>
            <location line="+141" />
            <source>Secrets are not kept in Byway's vault now, so there is no passphrase to change.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များကို ယခု Byway ၏ vault တွင် မသိမ်းထားပါ၊ ထို့ကြောင့် ပြောင်းစရာ စကားဝှက်စာကြောင်း မရှိပါ။</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+18" />
            <source>Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင်များ</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+8" />
            <source>Settings sections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင် အပိုင်းများ</translation>
        </message>
        <message>
            <location line="-8" />
            <source>Bridges, proxy, and general</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bridge များ၊ proxy နှင့် အထွေထွေ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bridge များ (&amp;B)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pro&amp;xy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy (&amp;X)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;General</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အထွေထွေ (&amp;G)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a section with the arrow keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မြှားခလုတ်များဖြင့် အပိုင်းတစ်ခုကို ရွေးပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>D&amp;one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပြီးပြီ (&amp;O)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close the settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်တင်များကို ပိတ်ပါ</translation>
        </message>
    </context>
    <context>
        <name>StorageDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="-173" />
            <source>Where should Byway keep your secrets?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway က သင့်လျှို့ဝှက်ချက်များကို ဘယ်မှာ သိမ်းရမည်နည်း။</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Keep only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤ session အတွက်သာ ထားပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are forgotten when Byway closes; nothing is written to disk</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ပိတ်သည့်အခါ bridge များနှင့် စကားဝှက်များကို မေ့ပစ်သည်၊ disk ပေါ်သို့ ဘာမှ မရေးပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+1" />
            <source>Keep in Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ၏ စာဝှက်ထားသော vault တွင် ထားပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are saved in a file that only your passphrase opens</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge များနှင့် စကားဝှက်များကို သင့်စကားဝှက်စာကြောင်းဖြင့်သာ ဖွင့်နိုင်သော ဖိုင်တွင် သိမ်းသည်</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forgotten when Byway closes. Nothing is written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ပိတ်သည့်အခါ မေ့ပစ်သည်။ disk ပေါ်သို့ ဘာမှ မရေးပါ။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Vault စကားဝှက်စာကြောင်း</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The passphrase that opens Byway's vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ၏ vault ကို ဖွင့်သော စကားဝှက်စာကြောင်း</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ၏ vault အတွက် စကားဝှက်စာကြောင်းအသစ်၊ အနည်းဆုံး စာလုံး 8 လုံး</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်း-</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်း ထပ်မံ</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သေချာစေရန် တူညီသော စကားဝှက်စာကြောင်းကို ထပ်ရိုက်ပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထပ်မံ-</translation>
        </message>
        <message>
            <location line="+5" />
            <source>A vault already exists here: type its passphrase to open it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤနေရာတွင် vault ရှိပြီးသား ဖြစ်သည်- ဖွင့်ရန် ၎င်း၏ စကားဝှက်စာကြောင်းကို ရိုက်ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မေ့သွားသော စကားဝှက်စာကြောင်းကို ပြန်ရယူရန် နည်းလမ်း မရှိပါ။</translation>
        </message>
        <message>
            <location line="+8" />
            <location line="+1" />
            <source>Continue</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဆက်လုပ်ရန်</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep secrets the way chosen above</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အထက်တွင် ရွေးထားသည့်နည်းအတိုင်း လျှို့ဝှက်ချက်များကို ထားပါ</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အနည်းဆုံး စာလုံး 8 လုံးပါ စကားဝှက်စာကြောင်းကို ရွေးပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စကားဝှက်စာကြောင်း နှစ်ခု မတူပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Type the vault's passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault ၏ စကားဝှက်စာကြောင်းကို ရိုက်ပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Opening the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault ကို ဖွင့်နေသည်...</translation>
        </message>
    </context>
    <context>
        <name>Store</name>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="+24" />
            <source>the drive is read-only</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">drive သည် ဖတ်ရန်သာ ဖြစ်သည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဖိုင်တွဲ မရှိတော့ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>permission was refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ခွင့်ပြုချက် ငြင်းပယ်ခံရသည်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the drive is full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">drive ပြည့်နေသည်</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="+31" />
            <source>Byway cannot save to {path}: {detail}. Nothing saved earlier was lost. If Byway runs from a removable drive, check that it is plugged in and not write-protected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway သည် {path} သို့ မသိမ်းနိုင်ပါ- {detail}။ ယခင်က သိမ်းထားသည့်အရာ တစ်ခုမှ မပျောက်ပါ။ Byway ကို ဖြုတ်တပ်နိုင်သော drive မှ ဖွင့်နေလျှင် ၎င်းကို တပ်ထားပြီး write-protect မလုပ်ထားကြောင်း စစ်ဆေးပါ။</translation>
        </message>
        <message>
            <location line="+31" />
            <source>No system keyring was found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ပျူတာတွင် စနစ် keyring မတွေ့ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring is locked and could not be unlocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စနစ် keyring ကို သော့ခတ်ထားပြီး ဖွင့်၍ မရပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring refused to store Byway's secrets.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စနစ် keyring က Byway ၏ လျှို့ဝှက်ချက်များကို သိမ်းရန် ငြင်းပယ်သည်။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The only keyring available stores secrets unencrypted in a file, so Byway will not use it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရနိုင်သော တစ်ခုတည်းသော keyring သည် လျှို့ဝှက်ချက်များကို စာဝှက်မထားဘဲ ဖိုင်ထဲတွင် သိမ်းသဖြင့် Byway က ၎င်းကို မသုံးပါ။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The system keyring did not answer correctly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စနစ် keyring က မှန်ကန်စွာ မတုံ့ပြန်ပါ။</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You can keep secrets only until Byway closes, or in Byway's own vault file protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လျှို့ဝှက်ချက်များကို Byway ပိတ်သည်အထိသာ ထားနိုင်သည်၊ သို့မဟုတ် စကားဝှက်စာကြောင်းဖြင့် ကာကွယ်ထားသော Byway ၏ ကိုယ်ပိုင် vault ဖိုင်တွင် ထားနိုင်သည်။</translation>
        </message>
        <message>
            <location line="+15" />
            <source>The passphrase is not correct for this vault.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤ vault အတွက် စကားဝှက်စာကြောင်း မမှန်ပါ။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The vault file {path} is damaged or was altered ({detail}). Byway will not use its contents.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">vault ဖိုင် {path} ပျက်စီးနေသည် သို့မဟုတ် ပြောင်းလဲခံထားရသည် ({detail})။ Byway က ၎င်း၏ အကြောင်းအရာကို မသုံးပါ။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/locations.py" line="+76" />
            <location filename="../../desktop/byway/store/settings.py" line="+248" />
            <source>the portable folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သယ်ဆောင်နိုင်သော ဖိုင်တွဲ မရှိတော့ပါ</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/settings.py" line="-42" />
            <source>Your settings were saved by a different version of Byway and cannot be read. They were kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်ဆက်တင်များကို Byway ဗားရှင်းအခြားတစ်ခုဖြင့် သိမ်းခဲ့သဖြင့် ဖတ်၍ မရပါ။ ၎င်းတို့ကို {moved_to} အဖြစ် ထားရှိသည်၊ Byway သည် မူလဆက်တင်များဖြင့် စတင်သည်။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Your settings file was damaged and cannot be read. It was kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်ဆက်တင်ဖိုင် ပျက်စီးနေသဖြင့် ဖတ်၍ မရပါ။ ၎င်းကို {moved_to} အဖြစ် ထားရှိသည်၊ Byway သည် မူလဆက်တင်များဖြင့် စတင်သည်။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="+124" />
            <source>not a Byway vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway vault မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>unknown vault version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မသိသော vault ဗားရှင်း</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the file is truncated</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဖိုင် ပြတ်တောက်နေသည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header was changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">header ကို ပြောင်းလဲထားသည်</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header is not valid</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">header မမှန်ကန်ပါ</translation>
        </message>
        <message>
            <location line="+55" />
            <source>the encrypted contents were changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာဝှက်ထားသော အကြောင်းအရာကို ပြောင်းလဲထားသည်</translation>
        </message>
    </context>
    <context>
        <name>Targets</name>
        <message>
            <location filename="../../desktop/byway/targets.py" line="+40" />
            <source>Only http:// and https:// addresses can be tested: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">http:// နှင့် https:// လိပ်စာများကိုသာ စမ်းသပ်နိုင်သည်- {url}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>This is not a web address: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">၎င်းသည် ဝက်ဘ်လိပ်စာ မဟုတ်ပါ- {url}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Cannot read the target file {path}: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပစ်မှတ်ဖိုင် {path} ကို ဖတ်၍ မရပါ- {reason}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{path}, line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path}၊ စာကြောင်း {number}- {problem}</translation>
        </message>
    </context>
    <context>
        <name>Tor</name>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="+17" />
            <source>Tor could not connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor မချိတ်ဆက်နိုင်ခဲ့ပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Try another way out, or try again later.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အခြားထွက်ပေါက်တစ်ခု စမ်းပါ၊ သို့မဟုတ် နောက်မှ ထပ်စမ်းပါ။</translation>
        </message>
        <message>
            <location line="+15" />
            <source>A setting for Tor was refused ({key}: {why}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor အတွက် ဆက်တင်တစ်ခုကို ငြင်းပယ်ခဲ့သည် ({key}- {why})။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check the bridge lines and proxy you entered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင်ထည့်ခဲ့သော bridge စာကြောင်းများနှင့် proxy ကို စစ်ဆေးပါ။</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The Tor program was not found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ပျူတာတွင် Tor ပရိုဂရမ် မတွေ့ပါ။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Install Tor (the 'tor' package), or use the portable Byway that carries it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ('tor' package) ကို ထည့်သွင်းပါ၊ သို့မဟုတ် ၎င်းပါဝင်သော သယ်ဆောင်နိုင်သည့် Byway ကို သုံးပါ။</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor stopped unexpectedly (exit status {code}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor မမျှော်လင့်ဘဲ ရပ်သွားသည် (exit status {code})။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Try connecting again; if it keeps happening, save a report and share it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထပ်ချိတ်ဆက်ကြည့်ပါ၊ ဆက်ဖြစ်နေလျှင် အစီရင်ခံစာကို သိမ်းပြီး မျှဝေပါ။</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Tor got stuck at {progress}% ({tag}): the bridge or relay could not be reached. This network probably blocks it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သည် {progress}% ({tag}) တွင် ရပ်နေသည်- bridge သို့မဟုတ် relay သို့ မရောက်နိုင်ပါ။ ဤကွန်ရက်က ၎င်းကို ပိတ်ထားဖွယ် ရှိသည်။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while handshaking: the connection was reached but then disturbed, which is how deep packet inspection of this transport looks.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သည် handshake လုပ်နေစဉ် {progress}% ({tag}) တွင် ရပ်နေသည်- ချိတ်ဆက်မှု ရောက်သွားသော်လည်း နှောင့်ယှက်ခံရသည်၊ ဤ transport ကို deep packet inspection (DPI) ဖြင့် စစ်ဆေးခံရပုံ ဖြစ်သည်။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while loading the network's directory.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သည် ကွန်ရက်၏ directory ကို ဖွင့်နေစဉ် {progress}% ({tag}) တွင် ရပ်နေသည်။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Try another bridge or another transport (snowflake, meek, webtunnel).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အခြား bridge သို့မဟုတ် အခြား transport (Snowflake၊ meek၊ webtunnel) ကို စမ်းပါ။</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Check that the computer's date, time and time zone are right, then retry.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကွန်ပျူတာ၏ ရက်စွဲ၊ အချိန်နှင့် အချိန်ဇုန် မှန်ကန်ကြောင်း စစ်ဆေးပြီး ထပ်စမ်းပါ။</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Connections to Tor were refused at once: this network actively blocks them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သို့ ချိတ်ဆက်မှုများကို ချက်ချင်း ငြင်းပယ်ခဲ့သည်- ဤကွန်ရက်က ၎င်းတို့ကို တက်ကြွစွာ ပိတ်ထားသည်။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor were cut off (reset): this network interferes with them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သို့ ချိတ်ဆက်မှုများ ဖြတ်တောက်ခံရသည် (reset)- ဤကွန်ရက်က ၎င်းတို့ကို နှောင့်ယှက်သည်။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor timed out: this network silently drops them, or is very slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သို့ ချိတ်ဆက်မှုများ အချိန်ကုန်သွားသည်- ဤကွန်ရက်က ၎င်းတို့ကို တိတ်တဆိတ် ပစ်ချသည်၊ သို့မဟုတ် အလွန်နှေးသည်။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no route to the Tor network: this computer may be offline, or it is blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကွန်ရက်သို့ လမ်းကြောင်း မရှိပါ- ဤကွန်ပျူတာ အော့ဖ်လိုင်း ဖြစ်နေနိုင်သည်၊ သို့မဟုတ် ပိတ်ထားသည်။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor could not reach the network ({reason}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သည် ကွန်ရက်သို့ မရောက်နိုင်ပါ ({reason})။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check that this computer is online, then try a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ပျူတာ အွန်လိုင်း ဖြစ်ကြောင်း စစ်ဆေးပြီးနောက် bridge တစ်ခု စမ်းပါ။</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Use a bridge with a transport such as obfs4, snowflake or meek.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4၊ Snowflake သို့မဟုတ် meek ကဲ့သို့ transport ပါသော bridge ကို သုံးပါ။</translation>
        </message>
        <message>
            <location line="+12" />
            <source>The program that carries the {transport} transport could not run.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} transport ကို သယ်ဆောင်သော ပရိုဂရမ် မလည်ပတ်နိုင်ပါ။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install obfs4proxy or lyrebird (and snowflake-client for snowflake), or pick another way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4proxy သို့မဟုတ် lyrebird (Snowflake အတွက် snowflake-client) ကို ထည့်သွင်းပါ၊ သို့မဟုတ် အခြားနည်းလမ်း ရွေးပါ။</translation>
        </message>
        <message>
            <location line="+14" />
            <source>This computer's clock is off by about {minutes} minutes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ပျူတာ၏ နာရီသည် မိနစ် {minutes} ခန့် လွဲနေသည်။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Set the right date, time and time zone, then connect again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မှန်ကန်သော ရက်စွဲ၊ အချိန်နှင့် အချိန်ဇုန်ကို သတ်မှတ်ပြီး ထပ်ချိတ်ဆက်ပါ။</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor could not connect through the proxy {proxy}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor သည် proxy {proxy} မှတစ်ဆင့် မချိတ်ဆက်နိုင်ပါ။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Check the proxy's address, port, user name and password, or remove it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">proxy ၏ လိပ်စာ၊ port၊ အသုံးပြုသူအမည်နှင့် စကားဝှက်ကို စစ်ဆေးပါ၊ သို့မဟုတ် ၎င်းကို ဖယ်ရှားပါ။</translation>
        </message>
        <message>
            <location line="+12" />
            <source>There was nothing to try: the plan had no usable way out.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းစရာ ဘာမှ မရှိခဲ့ပါ- အစီအစဉ်တွင် အသုံးပြုနိုင်သော ထွက်ပေါက် မရှိခဲ့ပါ။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>None of the ways out worked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ပေါက်တစ်ခုမှ အလုပ်မလုပ်ခဲ့ပါ။</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install a transport, or add a bridge you got from a friend.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">transport တစ်ခုကို ထည့်သွင်းပါ၊ သို့မဟုတ် ယုံကြည်ရသူထံမှ ရထားသော bridge တစ်ခုကို ထည့်ပါ။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="+53" />
            <source>Tor stopped unexpectedly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor မမျှော်လင့်ဘဲ ရပ်သွားသည်။</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The transport program that carries the connection stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှုကို သယ်ဆောင်သော transport ပရိုဂရမ် ရပ်သွားသည်။</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Reconnecting…</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပြန်ချိတ်ဆက်နေသည်…</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Reconnected; the SOCKS address is {socks}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပြန်ချိတ်ဆက်ပြီးပါပြီ၊ SOCKS လိပ်စာမှာ {socks} ဖြစ်သည်။</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The connection was lost.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှု ပြတ်သွားသည်။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/strategy.py" line="+244" />
            <source>Another way connected first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အခြားနည်းလမ်းတစ်ခုက အရင် ချိတ်ဆက်သွားသည်။</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="+72" />
            <location line="+76" />
            <source>the port must be from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">port သည် 1 မှ 65535 အတွင်း ဖြစ်ရမည်</translation>
        </message>
        <message>
            <location line="-74" />
            <source>a SOCKS4 proxy cannot take a password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS4 proxy သည် စကားဝှက် မယူနိုင်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS5 user names and passwords stop at 255</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS5 အသုံးပြုသူအမည်နှင့် စကားဝှက်များသည် 255 အထိသာ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>an HTTP user name cannot contain ':'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP အသုံးပြုသူအမည်တွင် ':' မပါရပါ</translation>
        </message>
        <message>
            <location line="+24" />
            <source>expected a proxy like socks5://host:1080 or http://user:password@host:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">socks5://host:1080 သို့မဟုတ် http://user:password@host:8080 ကဲ့သို့ proxy ကို မျှော်လင့်သည်</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a directory authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">directory authority မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+24" />
            <source>a test network needs authorities</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်ကွန်ရက်တစ်ခုသည် authority များ လိုအပ်သည်</translation>
        </message>
        <message>
            <location line="+99" />
            <source>not an option name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">option အမည် မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+17" />
            <source>a control character</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">control စာလုံး</translation>
        </message>
        <message>
            <location line="+8" />
            <source>not a host name or IP address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">host အမည် သို့မဟုတ် IP လိပ်စာ မဟုတ်ပါ</translation>
        </message>
    </context>
    <context>
        <name>Transports</name>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="+133" />
            <source>{path} is not a regular file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} သည် ပုံမှန်ဖိုင် မဟုတ်ပါ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{path} is not executable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} ကို run ၍ မရပါ</translation>
        </message>
        <message>
            <location line="+58" />
            <location filename="../../desktop/byway/transports/managed_pt.py" line="+222" />
            <source>{path} could not be started ({error})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} ကို စတင်၍ မရပါ ({error})</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="-78" />
            <source>the transport program exited before it was ready</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">transport ပရိုဂရမ်သည် အသင့်မဖြစ်မီ ထွက်သွားသည်</translation>
        </message>
        <message>
            <location line="+5" />
            <source>unsupported managed-mode version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မပံ့ပိုးသော managed-mode ဗားရှင်း</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the transport program refused: {detail}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">transport ပရိုဂရမ်က ငြင်းပယ်သည်- {detail}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the transport program does not offer {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">transport ပရိုဂရမ်သည် {names} ကို မပေးပါ</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the upstream proxy was not accepted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">upstream proxy ကို လက်မခံပါ</translation>
        </message>
        <message>
            <location line="+65" />
            <source>the transport program did not get ready in time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">transport ပရိုဂရမ်သည် အချိန်မီ အသင့်မဖြစ်ပါ</translation>
        </message>
        <message>
            <location line="+33" />
            <source>the SOCKS proxy refused to log in</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS proxy က login ဝင်ခြင်းကို ငြင်းပယ်သည်</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport refused the bridge arguments</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">transport က bridge argument များကို ငြင်းပယ်သည်</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport could not connect: {word}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">transport မချိတ်ဆက်နိုင်ပါ- {word}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="+178" />
            <source>{first} or {second}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} သို့မဟုတ် {second}</translation>
        </message>
        <message>
            <location line="+19" />
            <source>{transport} needs tor, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} သည် tor လိုအပ်သော်လည်း မတွေ့ပါ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>plain bridges need only tor ({tor} at {path})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရိုးရိုး bridge များသည် tor ကိုသာ လိုအပ်သည် ({path} ရှိ {tor})</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{transport} is carried by {program} at {path}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} ကို {path} ရှိ {program} က သယ်ဆောင်သည်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>{transport} needs {needed}; only {found} was found, which does not support it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} သည် {needed} လိုအပ်သည်၊ ၎င်းကို မပံ့ပိုးသော {found} ကိုသာ တွေ့သည်</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{transport} needs {needed}, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} သည် {needed} လိုအပ်သော်လည်း မတွေ့ပါ</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{reason} ({detail})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{reason} ({detail})</translation>
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="+30" />
            <source>Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်ရန်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်မှုဖြတ်ရန်</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Show Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ကို ပြရန်</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ရန်</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Byway: not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway- ချိတ်ဆက်မထားပါ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: testing the network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway- ကွန်ရက်ကို စမ်းသပ်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway- ချိတ်ဆက်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway- ချိတ်ဆက်ပြီး</translation>
        </message>
    </context>
    <context>
        <name>Ui</name>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="+157" />
            <source>{what} is not available in this build of Byway ({detail}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{what} သည် ဤ Byway ဗားရှင်းတွင် မရနိုင်ပါ ({detail})။</translation>
        </message>
        <message>
            <location line="+59" />
            <source>Advice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အကြံပြုချက်</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+4" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်နေသည်</translation>
        </message>
        <message>
            <location line="+189" />
            <source>Demo mode: no request is sent, so Moat is not asked for bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo မုဒ်- တောင်းဆိုချက် မပို့ပါ၊ ထို့ကြောင့် Moat ထံမှ bridge မတောင်းပါ။</translation>
        </message>
    </context>
    <context>
        <name>WelcomePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="+18" />
            <source>Find a way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ထွက်ပေါက်တစ်ခု ရှာပါ</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Byway tests what this network blocks, explains it in plain words, recommends the way out most likely to work, and connects you through Tor.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway သည် ဤကွန်ရက်က ဘာကို ပိတ်ထားသည်ကို စမ်းသပ်ပြီး ရိုးရှင်းသော စကားဖြင့် ရှင်းပြကာ အလုပ်လုပ်နိုင်ခြေ အများဆုံး ထွက်ပေါက်ကို အကြံပြုပြီး Tor မှတစ်ဆင့် သင့်ကို ချိတ်ဆက်ပေးသည်။</translation>
        </message>
        <message>
            <location line="+8" />
            <source>I understand, and I want to run the tests</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">နားလည်ပါသည်၊ စမ်းသပ်မှုများ လုပ်လိုပါသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Consent to testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စမ်းသပ်ရန် သဘောတူညီချက်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tick to agree to the tests described above; nothing is tested without it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">အထက်တွင် ဖော်ပြထားသော စမ်းသပ်မှုများကို သဘောတူရန် အမှန်ခြစ်ပါ၊ ၎င်းမပါဘဲ ဘာမှ မစမ်းသပ်ပါ</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connect without testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">မစမ်းသပ်ဘဲ ချိတ်ဆက်ရန်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Skip the network test and go straight to the recommended ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ကွန်ရက်စမ်းသပ်မှုကို ကျော်ပြီး အကြံပြုထားသော ထွက်ပေါက်များသို့ တိုက်ရိုက်သွားပါ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Test this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်ကို စမ်းသပ်ရန် (&amp;T)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start testing which sites and which ways to Tor this network blocks</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ဤကွန်ရက်က မည်သည့်ဆိုက်များနှင့် Tor သို့ မည်သည့်လမ်းများကို ပိတ်ထားသည်ကို စတင်စမ်းသပ်ပါ</translation>
        </message>
    </context>
    <context>
        <name>Words</name>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="+19" />
            <source>Plain Tor (no bridge)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor တိုက်ရိုက် (bridge မပါ)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 bridge များ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Snowflake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake</translation>
        </message>
        <message>
            <location line="+1" />
            <source>meek (through a cloud provider)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek (cloud ဝန်ဆောင်မှုမှတစ်ဆင့်)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>WebTunnel bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">WebTunnel bridge များ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Conjure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conjure</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Plain bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ရိုးရိုး bridge များ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့်ကိုယ်ပိုင် bridge များ</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကို စတင်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Starting the bridge's transport</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge ၏ transport ကို စတင်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reaching the bridge</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge သို့ ရောက်အောင် ချိတ်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် proxy သို့ ချိတ်ဆက်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">သင့် proxy သို့ ချိတ်ဆက်ပြီး</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကွန်ရက်သို့ ချိတ်ဆက်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to a first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပထမ relay သို့ ချိတ်ဆက်ပြီး</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Greeting the first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပထမ relay ကို နှုတ်ဆက်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The first relay answered</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ပထမ relay က တုံ့ပြန်ခဲ့သည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Opening an encrypted directory connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">စာဝှက်ထားသော directory ချိတ်ဆက်မှုကို ဖွင့်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">relay စာရင်းကို တောင်းနေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">relay စာရင်းကို ဖွင့်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the directory keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">directory key များကို ဖွင့်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">relay အသေးစိတ်ကို တောင်းနေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">relay အသေးစိတ်ကို ဖွင့်နေသည်</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Enough is known to build a path</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">လမ်းကြောင်းတည်ဆောက်ရန် လုံလောက်စွာ သိပြီ</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+1" />
            <location line="+7" />
            <source>Building a path through Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor မှတစ်ဆင့် လမ်းကြောင်း တည်ဆောက်နေသည်</translation>
        </message>
        <message>
            <location line="-6" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ချိတ်ဆက်ပြီးပါပြီ</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Learning about the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ကွန်ရက်အကြောင်း လေ့လာနေသည်</translation>
        </message>
        <message>
            <location line="+7" />
            <source>The bridge or relay could not be reached: it is probably blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bridge သို့မဟုတ် relay သို့ မရောက်နိုင်ပါ- ဤနေရာတွင် ပိတ်ထားဖွယ် ရှိသည်။</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The connection was cut during the handshake: this network may recognise this way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">handshake လုပ်နေစဉ် ချိတ်ဆက်မှု ဖြတ်တောက်ခံရသည်- ဤကွန်ရက်က ဤနည်းလမ်းကို သိရှိနိုင်သည်။</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor stopped while loading the directory: check that your computer's clock is right.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">directory ကို ဖွင့်နေစဉ် Tor ရပ်သွားသည်- သင့်ကွန်ပျူတာ၏ နာရီ မှန်ကန်ကြောင်း စစ်ဆေးပါ။</translation>
        </message>
    </context>
    <context>
        <name>window</name>
        <message>
            <location filename="../../desktop/byway/ui/app.py" line="+123" />
            <source>Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo မုဒ်</translation>
        </message>
    </context>
</TS>