<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fa_IR">
    <!-- Byway translation. The translations in this file were machine-drafted and await review by a native speaker: every message still marked unfinished is such a draft. Keep Tor, obfs4, Snowflake, meek, VPN, DNS and SOCKS in Latin script, and every {placeholder} exactly. -->
    <context>
        <name>Advice</name>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="+25" />
            <source>The Tor relays did not answer in the test, so plain Tor will probably fail.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های Tor در آزمایش پاسخ ندادند، پس Tor مستقیم احتمالاً کار نخواهد کرد.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The Tor relays answered in the test: plain Tor is the fastest way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های Tor در آزمایش پاسخ دادند: Tor مستقیم سریع‌ترین راه است.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>This network inspects Tor's handshake; obfs4 may be recognised as well.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این شبکه دست‌دهی (handshake) Tor را بازرسی می‌کند؛ ممکن است obfs4 هم شناسایی شود.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های obfs4 ترافیک Tor را پنهان می‌کنند و در فهرست‌های عمومی رله‌ها نیستند.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Snowflake looks like a video call and changes proxies often.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake شبیه تماس تصویری است و پراکسی‌ها را مرتب عوض می‌کند.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek از راه یک ارائه‌دهندهٔ بزرگ ابری می‌گذرد که مسدود کردنش سخت است؛ ولی کند است.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network: this looks like a shutdown. No way out can work now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ چیز از این شبکه به بیرون نمی‌رسد: به نظر قطعی کامل اینترنت است. الان هیچ راه خروجی کار نمی‌کند.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tor's own handshake is blocked here: start with snowflake, which looks like a video call.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دست‌دهی خود Tor اینجا مسدود است: با Snowflake شروع کنید که شبیه تماس تصویری است.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor's public relays are blocked by address: start with obfs4 bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های عمومی Tor بر اساس نشانی مسدود شده‌اند: با پل‌های obfs4 شروع کنید.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor's relays answered: plain Tor first, with bridges as a fallback.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های Tor پاسخ دادند: اول Tor مستقیم، و پل‌ها به عنوان پشتیبان.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/advise.py" line="+248" />
            <source>these are your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این‌ها پل‌های خود شما هستند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های obfs4 ترافیک Tor را پنهان می‌کنند و در فهرست‌های عمومی رله‌ها نیستند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>snowflake looks like a video call and changes proxies often</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake شبیه تماس تصویری است و پراکسی‌ها را مرتب عوض می‌کند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek از راه یک ارائه‌دهندهٔ بزرگ ابری می‌گذرد که مسدود کردنش سخت است؛ ولی کند است</translation>
        </message>
        <message>
            <location line="+3" />
            <source>webtunnel looks like an ordinary visit to a website</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">webtunnel شبیه بازدید معمولی از یک وب‌سایت است</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain bridges are not on public relay lists, but look like Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های ساده در فهرست‌های عمومی رله‌ها نیستند، ولی شبیه Tor به نظر می‌رسند</translation>
        </message>
        <message>
            <location line="+3" />
            <source>conjure hides among unused addresses of a friendly network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">conjure میان نشانی‌های بلااستفادهٔ یک شبکهٔ دوست پنهان می‌شود</translation>
        </message>
        <message>
            <location line="+129" />
            <source>Nothing can be tried on this computer: the programs needed are missing.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">روی این رایانه هیچ چیز را نمی‌توان امتحان کرد: برنامه‌های لازم نصب نیستند.</translation>
        </message>
        <message>
            <location line="-215" />
            <source>plain Tor is the fastest way when it is not blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor مستقیم وقتی مسدود نباشد سریع‌ترین راه است</translation>
        </message>
        <message>
            <location line="+22" />
            <source>handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دست‌دهی</translation>
        </message>
        <message>
            <location line="+2" />
            <source>connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال</translation>
        </message>
        <message>
            <location line="+15" />
            <location line="+11" />
            <source>obfs4 bridges can be reached, but their handshakes were reset or stalled</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های obfs4 در دسترس‌اند، ولی دست‌دهی آن‌ها قطع شد یا متوقف ماند</translation>
        </message>
        <message>
            <location line="+52" />
            <source>the Tor Project's bridge service recommends it for your network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سرویس پل Tor Project آن را برای شبکهٔ شما پیشنهاد می‌کند</translation>
        </message>
        <message>
            <location line="+79" />
            <source>this worked on this network last time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دفعهٔ پیش روی همین شبکه کار کرد</translation>
        </message>
        <message>
            <location line="+45" />
            <source>{first}; {next}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first}؛ {next}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{summary}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{summary}.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network, not even sites that are never blocked: this is a shutdown, not a block. No way out can work until the connection comes back.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ چیز از این شبکه به بیرون نمی‌رسد، حتی سایت‌هایی که هرگز مسدود نمی‌شوند: این قطعی اینترنت است، نه فیلترینگ. تا اتصال برنگردد هیچ راه خروجی کار نمی‌کند.</translation>
        </message>
        <message>
            <location line="-261" />
            <source>the Tor relays answered a handshake from here in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های Tor در {ms} ms به یک دست‌دهی از اینجا پاسخ دادند</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Tor's own handshake is blocked here (connections open, then stall)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دست‌دهی خود Tor اینجا مسدود است (اتصال‌ها باز می‌شوند و بعد متوقف می‌مانند)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the Tor relays are blocked by address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های Tor بر اساس نشانی مسدود شده‌اند</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های Tor هنگام عیب‌یابی پاسخ دادند</translation>
        </message>
        <message>
            <location line="+2" />
            <source>only some Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فقط برخی از رله‌های Tor هنگام عیب‌یابی پاسخ دادند</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the Tor Project's advice for this country is that no bridge is needed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به گفتهٔ Tor Project در این کشور به پل نیازی نیست</translation>
        </message>
        <message>
            <location line="+3" />
            <source>bridges are usually needed in this country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در این کشور معمولاً به پل نیاز است</translation>
        </message>
        <message>
            <location line="+27" />
            <source>{name} bridge {n} completed a {what} in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل {name} شمارهٔ {n} یک {what} را در {ms} ms کامل کرد</translation>
        </message>
        <message>
            <location line="+80" />
            <source>the saved advice for {country} recommends it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">توصیهٔ ذخیره‌شده برای {country} آن را پیشنهاد می‌کند</translation>
        </message>
        <message>
            <location line="+45" />
            <source>no program for these bridges was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامه‌ای برای این پل‌ها پیدا نشد</translation>
        </message>
        <message>
            <location line="-108" />
            <source>none of these {name} bridges could be reached from here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ‌کدام از این پل‌های {name} از اینجا در دسترس نبودند</translation>
        </message>
        <message>
            <location line="+49" />
            <source>this network seems to recognise Tor-like traffic; {name} looks like the web</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به نظر می‌رسد این شبکه ترافیک شبیه Tor را تشخیص می‌دهد؛ {name} شبیه ترافیک عادی وب است</translation>
        </message>
        <message>
            <location line="+66" />
            <source>the program for {name} was not looked for</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ {name} جست‌وجو نشد</translation>
        </message>
        <message>
            <location line="+64" />
            <source>{name} is the backup</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} پشتیبان است</translation>
        </message>
        <message>
            <location line="-190" />
            <source>{count} that did not answer were left out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} موردی که پاسخ ندادند کنار گذاشته شدند</translation>
        </message>
    </context>
    <context>
        <name>AdvicePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="+24" />
            <source>The way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه خروج</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway tries these in order. Untick a way to skip it, or move it up or down.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway این راه‌ها را به ترتیب امتحان می‌کند. برای رد کردن یک راه تیک آن را بردارید، یا آن را بالا و پایین ببرید.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Ways out, best first</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه‌های خروج، بهترین اول</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each way out with the reasons for its place; tick or untick with Space</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر راه خروج با دلیل جایگاهش؛ با کلید فاصله تیک بزنید یا بردارید</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Move &amp;up</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;بالاتر</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way earlier</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه انتخاب‌شده زودتر امتحان شود</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move &amp;down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;پایین‌تر</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way later</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه انتخاب‌شده دیرتر امتحان شود</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;آزمایش دوباره</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the network tests again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌های شبکه را دوباره اجرا کن</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ا&amp;تصال</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Connect through Tor, trying the ways in this order</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال از طریق Tor، با امتحان راه‌ها به همین ترتیب</translation>
        </message>
        <message>
            <location line="+30" />
            <source>not available on this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">روی این رایانه در دسترس نیست</translation>
        </message>
    </context>
    <context>
        <name>BridgeLine</name>
        <message>
            <location filename="../../desktop/byway/transports/bridge_errors.py" line="+63" />
            <source>line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط {number}: {problem}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="+99" />
            <source>the address must be an IP address and a port, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی باید یک نشانی IP و یک درگاه باشد، مثل 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+8" />
            <source>IPv6 addresses must be written in brackets, like [2001:db8::1]:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی‌های IPv6 باید داخل کروشه نوشته شوند، مثل [2001:db8::1]:443</translation>
        </message>
        <message>
            <location line="+24" />
            <source>the address is not a valid IPv4 or IPv6 address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این نشانی یک نشانی معتبر IPv4 یا IPv6 نیست</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the port must be a number from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه باید عددی از 1 تا 65535 باشد</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the fingerprint must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اثر انگشت (fingerprint) باید متن باشد</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{transport} bridges need a fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های {transport} بعد از نشانی به اثر انگشت (fingerprint) نیاز دارند</translation>
        </message>
        <message>
            <location line="+37" />
            <source>arguments must be pairs of text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آرگومان‌ها باید جفت‌هایی از متن باشند</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the argument {key} appears more than once</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آرگومان {key} بیش از یک بار آمده است</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a plain bridge has only an address and a fingerprint; found {key}=...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل ساده فقط یک نشانی و یک اثر انگشت دارد؛ {key}=... پیدا شد</translation>
        </message>
        <message>
            <location line="+8" />
            <source>{transport} bridges need the argument {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های {transport} به آرگومان {key}= نیاز دارند</translation>
        </message>
        <message>
            <location line="+18" />
            <source>an obfs4 bridge takes only cert= and iat-mode=; found {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل obfs4 فقط cert= و iat-mode= می‌پذیرد؛ {key}= پیدا شد</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the fingerprint= argument differs from the fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آرگومان fingerprint= با اثر انگشت بعد از نشانی فرق دارد</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is not a transport Byway knows; expected one of: {known}, or a plain IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} ترابری‌ای نیست که Byway بشناسد؛ یکی از این‌ها انتظار می‌رفت: {known}، یا یک IP:PORT ساده</translation>
        </message>
        <message>
            <location line="+18" />
            <source>a bridge line must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط پل باید متن باشد</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the bridge line is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط پل خالی است</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the bridge line needs an address, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط پل به یک نشانی نیاز دارد، مثل 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+18" />
            <source>unexpected text {text}; after the address only key=value arguments may follow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">متن غیرمنتظرهٔ {text}؛ بعد از نشانی فقط آرگومان‌های key=value می‌توانند بیایند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="+70" />
            <source>the bridge line is {length} characters long; the limit is {limit}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط پل {length} نویسه است؛ حد مجاز {limit} است</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the bridge line contains '#' at position {position}; it is not allowed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط پل در جایگاه {position} نویسهٔ '#' دارد؛ این مجاز نیست</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the bridge line contains a control character ({codepoint}) at position {position}; a bridge line is a single line of plain text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط پل در جایگاه {position} یک نویسهٔ کنترلی ({codepoint}) دارد؛ خط پل یک خط تنها از متن ساده است</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the bridge line contains a character that is not plain ASCII ({codepoint}) at position {position}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط پل در جایگاه {position} نویسه‌ای دارد که ASCII ساده نیست ({codepoint})</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the fingerprint must be 40 hexadecimal characters; got {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اثر انگشت باید ۴۰ نویسهٔ شانزده‌شانزدهی باشد؛ {count} نویسه است</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the fingerprint must contain only hexadecimal characters (0-9, A-F)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اثر انگشت فقط باید نویسه‌های شانزده‌شانزدهی (0-9، A-F) داشته باشد</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the argument name {key} is not allowed; names use only letters, digits, '_' and '-'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام آرگومان {key} مجاز نیست؛ نام‌ها فقط از حرف، رقم، '_' و '-' تشکیل می‌شوند</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the argument {key} has no value</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آرگومان {key} مقدار ندارد</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} contains characters that are not allowed (letters, digits and . _ , : + / = - only)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مقدار {key} نویسه‌های غیرمجاز دارد (فقط حرف، رقم و . _ , : + / = -)</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the value of {key} contains characters that are not allowed in a URL</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مقدار {key} نویسه‌هایی دارد که در URL مجاز نیستند</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the value of {key} must be an http or https address with a host name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مقدار {key} باید یک نشانی http یا https با نام میزبان باشد</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} must not contain a user name or password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مقدار {key} نباید نام کاربری یا گذرواژه داشته باشد</translation>
        </message>
        <message>
            <location line="+22" />
            <source>the obfs4 cert must be 70 characters of base64 without '=' padding; got {count} characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">cert در obfs4 باید ۷۰ نویسهٔ base64 بدون '=' در انتها باشد؛ {count} نویسه است</translation>
        </message>
        <message>
            <location line="+13" />
            <source>the obfs4 cert does not decode to a valid 52-byte certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">cert در obfs4 به یک گواهی معتبر ۵۲ بایتی رمزگشایی نمی‌شود</translation>
        </message>
        <message>
            <location line="+9" />
            <source>iat-mode must be 0, 1 or 2; got {value}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">iat-mode باید 0، 1 یا 2 باشد؛ {value} است</translation>
        </message>
    </context>
    <context>
        <name>BridgesTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="+36" />
            <source>Built-in bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Which of the bridges that come with Byway to use</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کدام یک از پل‌هایی که همراه Byway هستند استفاده شود</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Choose for me</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خودت انتخاب کن</translation>
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
            <translation type="unfinished">هیچ‌کدام</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Built-in bridges:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Request bridges...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;درخواست پل...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Ask the Tor Project for private bridges, after solving a captcha</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پس از حل کپچا، از پروژهٔ Tor پل خصوصی بخواهید</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Your own bridges, one per line:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان، هر خط یک پل:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Paste bridge lines here, one per line; each line is checked as you type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط‌های پل را اینجا بچسبانید، هر خط یک پل؛ هر خط هنگام تایپ بررسی می‌شود</translation>
        </message>
        <message>
            <location line="+9" />
            <source>&amp;Save bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;ذخیرهٔ پل‌ها</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep these bridges for the next connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این پل‌ها برای اتصال بعدی نگه داشته شوند</translation>
        </message>
        <message>
            <location line="+23" />
            <source>{count} private bridges from the Tor Project are kept as secrets and used first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} پل خصوصی از Tor Project به عنوان راز نگه داشته می‌شوند و اول از آن‌ها استفاده می‌شود.</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ذخیره شد.</translation>
        </message>
    </context>
    <context>
        <name>Catalog</name>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="+130" />
            <source>the bridge list is not in the expected format: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست پل‌ها در قالب مورد انتظار نیست: {what}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>a bridge kind name is not a short lowercase word</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام یک نوع پل یک واژهٔ کوتاه با حروف کوچک نیست</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridges of kind {kind} are not a list of at most {limit} lines</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های نوع {kind} فهرستی با حداکثر {limit} خط نیستند</translation>
        </message>
        <message>
            <location line="+6" />
            <source>bridges of kind {kind} are not supported</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های نوع {kind} پشتیبانی نمی‌شوند</translation>
        </message>
        <message>
            <location line="+6" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک خط پل متن نیست</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a {transport} bridge is listed under {kind}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک پل {transport} زیر {kind} آمده است</translation>
        </message>
        <message>
            <location line="+16" />
            <source>the document is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سند یک شیء JSON نیست</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no "bridges" object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شیء "bridges" وجود ندارد</translation>
        </message>
        <message>
            <location line="+3" />
            <source>recommendedDefault is not a bridge kind name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">recommendedDefault نام یک نوع پل نیست</translation>
        </message>
        <message>
            <location line="+9" />
            <source>pluggableTransports is not a set of single-line templates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">pluggableTransports مجموعه‌ای از الگوهای یک‌خطی نیست</translation>
        </message>
        <message>
            <location line="+34" />
            <source>the Moat answer is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پاسخ Moat یک شیء JSON نیست</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the bridge server answered with an error</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کارساز پل با خطا پاسخ داد</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridge server sent no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کارساز پل هیچ پل قابل استفاده‌ای نفرستاد</translation>
        </message>
        <message>
            <location line="+28" />
            <location line="+3" />
            <source>the saved list has no date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست ذخیره‌شده تاریخ ندارد</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the saved list has no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست ذخیره‌شده پل قابل استفاده‌ای ندارد</translation>
        </message>
    </context>
    <context>
        <name>Cli</name>
        <message>
            <location filename="../../desktop/byway/cli.py" line="+26" />
            <source>Find out what this network blocks, learn which way out should work, and connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ببینید این شبکه چه چیزی را مسدود می‌کند، بفهمید کدام راه خروج باید کار کند، و وصل شوید.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>keep everything (settings, secrets, tor state) under DIR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">همه چیز (تنظیمات، رازها، وضعیت Tor) را در DIR نگه دار</translation>
        </message>
        <message>
            <location line="+6" />
            <source>check this copy of Byway (window, demo diagnosis, bundled tor and transports) and exit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این نسخهٔ Byway را بررسی کن (پنجره، تشخیص نمایشی، tor و روش‌های انتقال همراه آن) و خارج شو</translation>
        </message>
        <message>
            <location line="+7" />
            <source>run the desktop app against a simulated network (no traffic at all): iran-2022, china-gfw, russia-2022, shutdown, or a scenario .toml file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ دسکتاپ را روی یک شبکهٔ شبیه‌سازی‌شده اجرا کن (بدون هیچ ترافیکی): iran-2022، china-gfw، russia-2022، shutdown یا یک پروندهٔ سناریوی ‎.toml</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Cannot use {path} as the portable folder: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمی‌توان از {path} به عنوان پوشهٔ قابل‌حمل استفاده کرد: {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose_args.py" line="+24" />
            <source>expected IP:PORT, for example 8.8.8.8:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP:PORT انتظار می‌رفت، برای نمونه 8.8.8.8:53</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected NAME=IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">NAME=IP:PORT انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+16" />
            <source>find out what this network blocks, and how</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بفهم این شبکه چه چیزی را و چگونه مسدود می‌کند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test websites and the Tor network from here, compare with an uncensored control, and explain what is blocked and how. Without URLs, Byway's default list is tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وب‌سایت‌ها و شبکهٔ Tor را از اینجا آزمایش می‌کند، با یک نقطهٔ کنترل بدون سانسور مقایسه می‌کند، و توضیح می‌دهد چه چیزی و چگونه مسدود است. بدون URL، فهرست پیش‌فرض Byway آزمایش می‌شود.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>addresses to test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی‌هایی که باید آزمایش شوند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a file of URLs</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک پرونده از URLها</translation>
        </message>
        <message>
            <location line="+2" />
            <source>print OONI-format measurements, one per line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اندازه‌گیری‌ها را در قالب OONI، هر کدام در یک خط، چاپ کن</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not ask a test helper</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">از دستیار آزمایش نپرس</translation>
        </message>
        <message>
            <location line="+3" />
            <source>skip the UDP DNS test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش DNS روی UDP را رد کن</translation>
        </message>
        <message>
            <location line="+2" />
            <source>skip DNS-over-HTTPS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS-over-HTTPS را رد کن</translation>
        </message>
        <message>
            <location line="+4" />
            <source>use the --resolver answers instead of the system's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به جای پاسخ‌های سیستم از پاسخ‌های --resolver استفاده کن</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a Tor relay to test instead of the directory authorities (repeatable)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک رلهٔ Tor برای آزمایش به جای مراجع دایرکتوری (قابل تکرار)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>do not test the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شبکهٔ Tor را آزمایش نکن</translation>
        </message>
        <message>
            <location line="+1" />
            <location filename="../../desktop/byway/commands/helper_args.py" line="+61" />
            <source>seconds per step</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ثانیه برای هر گام</translation>
        </message>
        <message>
            <location line="+7" />
            <source>after a suspected trigger, leave that address and port alone this long</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پس از یک محرک احتمالی، آن نشانی و درگاه را این مدت دست نزن</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a fixed random order, to repeat a run</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک ترتیب تصادفی ثابت، برای تکرار یک اجرا</translation>
        </message>
        <message>
            <location line="+5" />
            <source>consent to the tests without a prompt (for scripts)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پرسش با آزمایش‌ها موافقت کن (برای اسکریپت‌ها)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="+79" />
            <source>No terminal to ask for consent: run again with --accept-risks to agree.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پایانه‌ای برای پرسیدن رضایت نیست: برای موافقت دوباره با --accept-risks اجرا کنید.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Nothing was tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ چیز آزمایش نشد.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Testing {total} targets...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال آزمایش {total} هدف...</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges_args.py" line="+23" />
            <source>list, check, add and remove bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست، بررسی، افزودن و حذف پل‌ها</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in and your own bridges: list them, check which transports work here, add, remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی و پل‌های خودتان: فهرستشان کنید، ببینید کدام ترابری‌ها اینجا کار می‌کنند، بیفزایید، حذف کنید.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>same as 'byway bridges check'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">همانند 'byway bridges check'</translation>
        </message>
        <message>
            <location line="+5" />
            <source>show built-in and your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی و پل‌های خودتان را نشان بده</translation>
        </message>
        <message>
            <location line="+1" />
            <source>show your bridges in full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان را کامل نشان بده</translation>
        </message>
        <message>
            <location line="+2" />
            <source>which transports can run here, and why</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کدام ترابری‌ها اینجا می‌توانند اجرا شوند، و چرا</translation>
        </message>
        <message>
            <location line="+4" />
            <source>also pre-check the Tor network and the bridges from this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شبکهٔ Tor و پل‌ها را هم از این شبکه پیشاپیش بررسی کن</translation>
        </message>
        <message>
            <location line="+2" />
            <source>seconds per check</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ثانیه برای هر بررسی</translation>
        </message>
        <message>
            <location line="+2" />
            <source>add your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان را بیفزایید</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bridge line (quote it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک خط پل (داخل نقل‌قول)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not store the bridges; use them only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌ها را ذخیره نکن؛ فقط برای همین نشست استفاده کن</translation>
        </message>
        <message>
            <location line="+3" />
            <source>remove one of your bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یکی از پل‌هایتان را حذف کنید</translation>
        </message>
        <message>
            <location line="+1" />
            <source>its id from 'list' or its line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شناسه‌اش در 'list' یا خط آن</translation>
        </message>
        <message>
            <location line="+2" />
            <source>fetch fresh built-in bridges from Moat</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی تازه را از Moat بگیر</translation>
        </message>
        <message>
            <location line="+5" />
            <source>reach Moat through meek domain fronting (when it is blocked)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">از راه domain fronting با meek به Moat برس (وقتی مسدود است)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="+44" />
            <source>Passphrase of Byway's vault: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور گاوصندوق Byway: </translation>
        </message>
        <message>
            <location line="+3" />
            <source>The vault needs its passphrase (or set {name}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گاوصندوق به عبارت عبورش نیاز دارد (یا {name} را تنظیم کنید).</translation>
        </message>
        <message>
            <location line="+8" />
            <source>unknown date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تاریخ نامعلوم</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in bridges ({source}, as of {date}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی ({source}، تا تاریخ {date}):</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Your bridges: none.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های شما: هیچ.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your bridges ({count}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های شما ({count}):</translation>
        </message>
        <message>
            <location line="+4" />
            <source>(addresses hidden; add --show to see them)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">(نشانی‌ها پنهان‌اند؛ برای دیدنشان --show را اضافه کنید)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Line {n}: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط {n}: {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Nothing was added: correct the lines above.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چیزی افزوده نشد: خط‌های بالا را اصلاح کنید.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{count} bridges checked; kept only for this session, nothing was stored.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} پل بررسی شد؛ فقط برای همین نشست نگه داشته شد و چیزی ذخیره نشد.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Added {added} bridges ({total} in all), kept in: {where}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{added} پل افزوده شد (در مجموع {total})، نگه‌داشته در: {where}.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You have no bridges of your own to remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پلی از خودتان برای حذف ندارید.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>No bridge of yours matches {which}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ‌کدام از پل‌های شما با {which} جور نیست.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Removed {id}; {count} left.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{id} حذف شد؛ {count} باقی مانده است.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>available</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در دسترس</translation>
        </message>
        <message>
            <location line="+0" />
            <source>unavailable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در دسترس نیست</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شبکهٔ Tor</translation>
        </message>
        <message>
            <location line="+2" />
            <location filename="../../desktop/byway/commands/diagnose.py" line="+10" />
            <source>reachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">قابل دسترسی</translation>
        </message>
        <message>
            <location line="+25" />
            <source>there is no meek bridge line to front with</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ خط پل meek برای fronting وجود ندارد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="+0" />
            <source>unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">غیرقابل دسترسی</translation>
        </message>
        <message>
            <location line="+6" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سالم</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">از کار افتاده (سانسور نیست)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نامعلوم</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked ({how})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدود ({how})</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">متوقف شد.</translation>
        </message>
        <message>
            <location line="+26" />
            <source>The report was withheld: your address could not be removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش داده نشد: نشانی شما را نمی‌شد از آن حذف کرد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper_args.py" line="-40" />
            <source>expected HOST:PORT, for example 127.0.0.1:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HOST:PORT انتظار می‌رفت، برای نمونه 127.0.0.1:8080</translation>
        </message>
        <message>
            <location line="+11" />
            <source>expected IP:PORT, for example 127.0.0.1:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP:PORT انتظار می‌رفت، برای نمونه 127.0.0.1:53</translation>
        </message>
        <message>
            <location line="+14" />
            <source>run a web-connectivity test helper (an uncensored control)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک دستیار آزمایش web-connectivity اجرا کن (یک نقطهٔ کنترل بدون سانسور)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Serve OONI's web-connectivity test-helper protocol, so that probes elsewhere can compare what they see with what this network sees. Run it only on an uncensored network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پروتکل دستیار آزمایش web-connectivity در OONI را ارائه می‌کند تا کاوشگرها در جاهای دیگر آنچه را می‌بینند با آنچه این شبکه می‌بیند مقایسه کنند. فقط روی یک شبکهٔ بدون سانسور اجرایش کنید.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>resolve names with this DNS server instead of the system resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام‌ها را با این کارساز DNS به جای حل‌کنندهٔ سیستم پیدا کن</translation>
        </message>
        <message>
            <location line="+7" />
            <source>serve HTTPS with this certificate (PEM), so probes' requests are encrypted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTPS را با این گواهی (PEM) ارائه کن تا درخواست‌های کاوشگرها رمزنگاری شوند</translation>
        </message>
        <message>
            <location line="+3" />
            <source>its private key (PEM)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کلید خصوصی آن (PEM)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="+26" />
            <source>--tls-cert and --tls-key go together.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">--tls-cert و --tls-key با هم به کار می‌روند.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Cannot use that certificate and key: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمی‌توان از این گواهی و کلید استفاده کرد: {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect_args.py" line="+43" />
            <source>expected a two-letter country code, like IR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک کد دوحرفی کشور انتظار می‌رفت، مثل IR</translation>
        </message>
        <message>
            <location line="+14" />
            <source>connect to Tor the best way this network allows, and stay connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به بهترین روشی که این شبکه اجازه می‌دهد به Tor وصل شو و وصل بمان</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start Tor with the best way out for this network, show its progress, print the SOCKS address to use, and keep the connection up until Ctrl-C.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor را با بهترین راه خروج برای این شبکه راه می‌اندازد، پیشرفتش را نشان می‌دهد، نشانی SOCKS را برای استفاده چاپ می‌کند، و اتصال را تا Ctrl-C برقرار نگه می‌دارد.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>a bridge line to use (repeat for several)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک خط پل برای استفاده (برای چند پل تکرار کنید)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>an upstream proxy: http://, https://, socks4:// or socks5://[user:pass@]host:port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک پراکسی بالادستی: http://‎، https://‎، socks4://‎ یا socks5://[user:pass@]host:port</translation>
        </message>
        <message>
            <location line="+5" />
            <source>keep tor's state per profile</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وضعیت Tor را برای هر نمایه جدا نگه دار</translation>
        </message>
        <message>
            <location line="+2" />
            <source>default: any free port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیش‌فرض: هر درگاه آزاد</translation>
        </message>
        <message>
            <location line="+7" />
            <source>where to ask for this country's circumvention settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات دور زدن سانسور برای این کشور از کجا درخواست شود</translation>
        </message>
        <message>
            <location line="+3" />
            <source>do not ask Moat; use the built-in map</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">از Moat نپرس؛ از نقشهٔ داخلی استفاده کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect.py" line="+85" />
            <source>Checking which ways out answer from here...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بررسی اینکه کدام راه‌های خروج از اینجا پاسخ می‌دهند...</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Your saved bridges are not used this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این بار از پل‌های ذخیره‌شدهٔ شما استفاده نمی‌شود: {why}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>you asked for it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خودتان خواستید</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Tor without a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor بدون پل.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>custom needs at least one --bridge LINE</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">custom دست‌کم به یک --bridge LINE نیاز دارد</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Your bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های شما.</translation>
        </message>
        <message>
            <location line="+16" />
            <source>One way, as asked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک راه، همان‌طور که خواسته شد.</translation>
        </message>
        <message>
            <location line="+66" />
            <source>Nothing in the plan can run here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ چیز در برنامه اینجا قابل اجرا نیست.</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Connected with {way} in {seconds:.1f} s. Press Ctrl-C to disconnect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">با {way} در {seconds:.1f} ثانیه وصل شدید. برای قطع اتصال Ctrl-C را بزنید.</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Those bridges do not use {transport}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این پل‌ها از {transport} استفاده نمی‌کنند.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Disconnected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال قطع شد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/logging_setup.py" line="+35" />
            <source>keep a diagnostic log in Byway's log folder (addresses and bridges are removed from it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک گزارش عیب‌یابی در پوشهٔ گزارش‌های Byway نگه دار (نشانی‌ها و پل‌ها از آن حذف می‌شوند)</translation>
        </message>
        <message>
            <location line="+35" />
            <source>No diagnostic log this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این بار گزارش عیب‌یابی نیست: {why}</translation>
        </message>
    </context>
    <context>
        <name>ConnectedPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="+23" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وصل شد</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Point your applications at this SOCKS5 proxy. Tor Browser needs no setting.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامه‌های خود را روی این پراکسی SOCKS5 تنظیم کنید. مرورگر Tor به تنظیم نیازی ندارد.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>SOCKS address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی SOCKS</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The address and port of the SOCKS5 proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی و درگاه پراکسی SOCKS5</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cop&amp;y</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;رونوشت</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the SOCKS address to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی SOCKS را در کلیپ‌بورد رونوشت کن</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Demo: this address is made up and nothing listens there. No traffic was sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایشی: این نشانی ساختگی است و چیزی پشت آن نیست. هیچ ترافیکی فرستاده نشد.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>&amp;Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;قطع اتصال</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop Tor and close the connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor را متوقف کن و اتصال را ببند</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connected with {way} in {seconds:.0f} s.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">با {way} در {seconds:.0f} ثانیه وصل شد.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Copied.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رونوشت شد.</translation>
        </message>
    </context>
    <context>
        <name>ConnectingPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="+25" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+42" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال راه‌اندازی Tor</translation>
        </message>
        <message>
            <location line="-40" />
            <source>Connection progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیشرفت اتصال</translation>
        </message>
        <message>
            <location line="+0" />
            <source>How far Tor has got</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor تا کجا پیش رفته است</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+1" />
            <location line="+26" />
            <source>Show log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایش گزارش</translation>
        </message>
        <message>
            <location line="-27" />
            <source>Show or hide Tor's messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیام‌های Tor را نشان بده یا پنهان کن</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Connection log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش اتصال</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Every step Tor reported, with the time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر مرحله‌ای که Tor گزارش داد، با زمان آن</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Back to the plan</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;بازگشت به برنامه</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Return to the ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بازگشت به راه‌های خروج</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;لغو</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop connecting and stop Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال را متوقف کن و Tor را ببند</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Hide log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پنهان کردن گزارش</translation>
        </message>
        <message>
            <location line="+30" />
            <location line="+3" />
            <source>Trying {way}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال امتحان {way}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وصل نیست</translation>
        </message>
    </context>
    <context>
        <name>Consent</name>
        <message>
            <location filename="../../desktop/byway/consent.py" line="+17" />
            <source>Before Byway tests this network, please know:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیش از آنکه Byway این شبکه را آزمایش کند، لطفاً بدانید:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>- Anyone who watches this connection (your internet provider, your employer, a government) can see that these tests are running and which sites they try.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- هر کسی که این اتصال را زیر نظر دارد (ارائه‌دهندهٔ اینترنت، کارفرما، یک دولت) می‌تواند ببیند که این آزمایش‌ها در حال اجرا هستند و کدام سایت‌ها را امتحان می‌کنند.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Some of the sites Byway tests may be illegal or frowned upon where you are. You can test only the addresses you choose instead.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- برخی از سایت‌هایی که Byway آزمایش می‌کند ممکن است جایی که هستید غیرقانونی یا ناپسند باشند. می‌توانید به جای آن فقط نشانی‌هایی را که خودتان انتخاب می‌کنید آزمایش کنید.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Byway uploads nothing. Results stay on this computer unless you share them yourself.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway چیزی را بارگذاری نمی‌کند. نتایج روی همین رایانه می‌مانند، مگر آنکه خودتان آنها را به اشتراک بگذارید.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Type yes to run the tests, or anything else to stop: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برای اجرای آزمایش‌ها بله را بنویسید، یا هر چیز دیگری برای توقف: </translation>
        </message>
        <message>
            <location line="+9" />
            <source>yes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بله</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="+33" />
            <source>Something went wrong</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مشکلی پیش آمد</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway hit a problem it did not expect. Your connection settings are safe. If you report this, copy the text below: addresses and bridges have been removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway به مشکلی غیرمنتظره برخورد. تنظیمات اتصال شما امن است. اگر آن را گزارش می‌کنید، متن زیر را رونوشت کنید: نشانی‌ها و پل‌ها از آن حذف شده‌اند.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Problem report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش مشکل</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Technical details, scrubbed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جزئیات فنی، پاک‌سازی‌شده</translation>
        </message>
        <message>
            <location line="+5" />
            <location line="+1" />
            <source>Copy report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رونوشت گزارش</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the scrubbed report to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش پاک‌سازی‌شده را در کلیپ‌بورد رونوشت کن</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Close</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بستن</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close this message</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این پیام را ببند</translation>
        </message>
    </context>
    <context>
        <name>Demo</name>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="+111" />
            <source>Demo scenario {file}, {field}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سناریوی نمایشی {file}، {field}: {problem}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>expected a number from {low} to {high}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عددی از {low} تا {high} انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+9" />
            <source>expected some text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کمی متن انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{value} is not one of: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{value} یکی از این‌ها نیست: {known}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected a [[site]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک جدول [[site]] انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a blockpage needs an http:// address (HTTPS is reset instead)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">صفحهٔ مسدودسازی به یک نشانی http://‎ نیاز دارد (HTTPS به جای آن قطع می‌شود)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>no file blockpages/{name}.html</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پروندهٔ blockpages/{name}.html وجود ندارد</translation>
        </message>
        <message>
            <location line="+15" />
            <source>expected a [[way]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک جدول [[way]] انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+15" />
            <source>a scenario needs at least one [[site]]</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر سناریو دست‌کم به یک [[site]] نیاز دارد</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected [[way]] tables</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جدول‌های [[way]] انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected a [tor] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک جدول [tor] انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+30" />
            <source>There is no demo scenario called {name}. Known scenarios: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سناریوی نمایشی‌ای به نام {name} وجود ندارد. سناریوهای شناخته‌شده: {known}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="+47" />
            <source>None of the ways in the plan could connect. Try again later, or add a private bridge in Settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ‌کدام از راه‌های برنامه نتوانست وصل شود. بعداً دوباره امتحان کنید، یا در تنظیمات یک پل خصوصی بیفزایید.</translation>
        </message>
        <message>
            <location line="+39" />
            <source>tor reported {reason} at {progress}%: this way is blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor در {progress}% خطای {reason} را گزارش کرد: این راه اینجا مسدود است.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>No progress past {progress}% for a while: moving on to the next way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مدتی است از {progress}% جلوتر نرفته: سراغ راه بعدی می‌رویم.</translation>
        </message>
    </context>
    <context>
        <name>DemoScenario</name>
        <message>
            <location filename="../../desktop/byway/demo/words.py" line="+17" />
            <source>China, the Great Firewall</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چین، دیوار آتش بزرگ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Iran, autumn 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ایران، پاییز ۱۴۰۱ (2022)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Russia, 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">روسیه، 2022</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A full shutdown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">قطعی کامل اینترنت</translation>
        </message>
        <message>
            <source>Modelled on the GFW: forged DNS answers from known poison addresses, SNI resets, IP blocking; Tor relays and public bridges blocked; Snowflake gets through, slowly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بر اساس GFW: پاسخ‌های جعلی DNS از نشانی‌های مسموم‌کنندهٔ شناخته‌شده، بازنشانی بر اساس SNI، مسدودسازی IP؛ رله‌های Tor و پل‌های عمومی مسدودند؛ Snowflake آهسته عبور می‌کند.</translation>
        </message>
        <message>
            <source>Show the forged DNS answers first: 8.7.198.45 and 46.82.174.68 are published GFW poison addresses,
and the details name them. Google's encrypted connection is reset by name (SNI) and the New York
Times' address is black-holed. Baidu works. Every directory authority is unreachable by address, and
the public obfs4 bridges stall at 2%: they are on the blocklist, and since about 2021 the GFW also
detects traffic that looks fully random. Snowflake connects, slowly. The lesson: private bridges
and transports that look like something else. Modelled on published research; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اول پاسخ‌های جعلی DNS را نشان دهید: 8.7.198.45 و 46.82.174.68 نشانی‌های مسموم‌کنندهٔ منتشرشدهٔ GFW هستند و جزئیات نامشان را می‌آورد. اتصال رمزنگاری‌شدهٔ Google بر اساس نام (SNI) بازنشانی می‌شود و نشانی New York Times در سیاه‌چاله است. Baidu کار می‌کند. هیچ مرجع دایرکتوری بر اساس نشانی در دسترس نیست، و پل‌های obfs4 عمومی در 2% گیر می‌کنند: آن‌ها در فهرست مسدودی‌اند، و از حدود 2021 دیوار آتش ترافیکی را که کاملاً تصادفی به نظر می‌رسد هم تشخیص می‌دهد. Snowflake آهسته وصل می‌شود. درس: پل‌های خصوصی و ترابری‌هایی که شبیه چیز دیگری‌اند. بر اساس پژوهش‌های منتشرشده؛ تقریبی.</translation>
        </message>
        <message>
            <source>Modelled on Iran during the Mahsa Amini protests: DNS tampering, SNI resets and HTTP blockpages; Tor relays and public obfs4 bridges blocked; Snowflake gets through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بر اساس ایران در دوران اعتراضات مهسا امینی: دستکاری DNS، بازنشانی بر اساس SNI و صفحه‌های مسدودسازی HTTP؛ رله‌های Tor و پل‌های obfs4 عمومی مسدودند؛ Snowflake عبور می‌کند.</translation>
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
            <translation type="unfinished">به سه لایهٔ در کار اشاره کنید: اتصال رمزنگاری‌شدهٔ Instagram بر اساس نام (SNI) قطع می‌شود، نام WhatsApp به یک نشانی خصوصی 10.10.34.x می‌رسد (تزریق DNS)، و BBC Persian روی HTTP ساده صفحهٔ مسدودسازی ملی را برمی‌گرداند (iframe به 10.10.34.34). Wikipedia و فروشگاه داخلی هنوز کار می‌کنند: این سانسور هدفمند است، نه قطعی اینترنت. رله‌های Tor اصلاً پاسخ نمی‌دهند، و پل‌های obfs4 عمومی در 2% گیر می‌کنند: در 2022 کاربران Snowflake از ایران از حدود ۲۰ هزار به حدود ۱۰۰ هزار رسیدند. برای قطعی‌های شبانهٔ اینترنت همراه در آن پاییز، به سناریوی "shutdown" بروید. بر اساس گزارش‌های OONI و Tor Project؛ اعداد تقریبی‌اند.</translation>
        </message>
        <message>
            <source>Modelled on Russia in 2022: torproject.org and social networks blocked, Twitter throttled, Tor's handshake recognised by DPI; bridges get through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بر اساس روسیه در 2022: torproject.org و شبکه‌های اجتماعی مسدود، Twitter کند شده، دست‌دهی Tor با DPI شناسایی می‌شود؛ پل‌ها عبور می‌کنند.</translation>
        </message>
        <message>
            <source>The Russian filter (TSPU) works by name and by protocol: Facebook and Instagram are reset, the plain-
HTTP page of torproject.org returns the RKN blockpage, and Twitter loads but crawls (throttling by
SNI in 2021 held it near 130-150 kbit/s; Byway does not call slowness censorship, so say it aloud).
Tor's relays accept a TCP connection, but the TLS handshake is reset: Tor is recognised by its
fingerprint, so plain Tor fails at the handshake. Snowflake and obfs4 bridges worked for most users;
Tor's user numbers from Russia recovered with bridges. Modelled on OONI and Tor reports; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فیلتر روسیه (TSPU) بر اساس نام و پروتکل کار می‌کند: Facebook و Instagram بازنشانی می‌شوند، صفحهٔ HTTP سادهٔ torproject.org صفحهٔ مسدودسازی RKN را برمی‌گرداند، و Twitter بارگیری می‌شود ولی بسیار کند (کندسازی بر اساس SNI در 2021 آن را حدود 130-150 kbit/s نگه داشت؛ Byway کندی را سانسور نمی‌نامد، پس این را بلند بگویید). رله‌های Tor اتصال TCP را می‌پذیرند، ولی دست‌دهی TLS بازنشانی می‌شود: Tor از روی اثر انگشتش شناخته می‌شود، پس Tor مستقیم در دست‌دهی شکست می‌خورد. پل‌های Snowflake و obfs4 برای بیشتر کاربران کار کردند؛ شمار کاربران Tor از روسیه با پل‌ها بازگشت. بر اساس گزارش‌های OONI و Tor؛ تقریبی.</translation>
        </message>
        <message>
            <source>Nothing leaves the country: every site, encrypted DNS and every Tor relay time out. No transport can help.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ چیز از کشور بیرون نمی‌رود: همهٔ سایت‌ها، DNS رمزنگاری‌شده و همهٔ رله‌های Tor به پایان مهلت می‌رسند. هیچ ترابری‌ای کمکی نمی‌کند.</translation>
        </message>
        <message>
            <source>Let the diagnosis run to the end: every probe times out, including the control-side checks, DNS over
HTTPS and Tor's relays. Byway says "No Internet" instead of listing blocked sites, and the advice page
recommends no transport, because none can work until the network comes back. This is what Myanmar's
nightly shutdowns from 2021 and Iran's regional mobile shutdowns in 2022 looked like from a phone.
Use it to talk about offline preparation: saved bridges, mesh messengers, and knowing the difference.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بگذارید عیب‌یابی تا آخر اجرا شود: همهٔ کاوش‌ها به پایان مهلت می‌رسند، از جمله بررسی‌های سمت نقطهٔ کنترل، DNS روی HTTPS و رله‌های Tor. Byway به جای فهرست کردن سایت‌های مسدود می‌گوید «اینترنت نیست»، و صفحهٔ توصیه هیچ ترابری‌ای پیشنهاد نمی‌کند، چون تا شبکه برنگردد هیچ‌کدام کار نمی‌کند. قطعی‌های شبانهٔ میانمار از 2021 و قطعی‌های منطقه‌ای اینترنت همراه در ایران در 2022 از روی گوشی همین‌طور دیده می‌شد. از آن برای گفت‌وگو دربارهٔ آمادگی آفلاین استفاده کنید: پل‌های ذخیره‌شده، پیام‌رسان‌های mesh، و دانستن تفاوت.</translation>
        </message>
    </context>
    <context>
        <name>DiagnosePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="+26" />
            <source>Testing this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال آزمایش این شبکه</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+43" />
            <source>Getting ready...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال آماده شدن...</translation>
        </message>
        <message>
            <location line="-39" />
            <source>Test progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیشرفت آزمایش</translation>
        </message>
        <message>
            <location line="+1" />
            <source>How many of the sites and Tor relays have been tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چند سایت و رلهٔ Tor آزمایش شده‌اند</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sites and relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سایت‌ها و رله‌ها</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each site and Tor relay being tested, and what was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر سایت و رلهٔ Tor در حال آزمایش، و آنچه یافت شد</translation>
        </message>
        <message>
            <location line="+2" />
            <source>What</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چه چیزی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Result</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نتیجه</translation>
        </message>
        <message>
            <location line="+7" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;لغو</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop the tests now; nothing more is sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌ها را همین حالا متوقف کن؛ دیگر چیزی فرستاده نمی‌شود</translation>
        </message>
        <message>
            <location line="+26" />
            <source>waiting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در انتظار</translation>
        </message>
        <message>
            <location line="+23" />
            <location line="+4" />
            <source>{done} of {total} tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{done} از {total} آزمایش شد</translation>
        </message>
        <message>
            <location line="+7" />
            <source>testing...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال آزمایش...</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Tor relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{ok} of {done} answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{ok} از {done} پاسخ می‌دهند</translation>
        </message>
        <message>
            <location line="-14" />
            <source>blocked: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدود: {how}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>works</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کار می‌کند</translation>
        </message>
        <message>
            <location line="+2" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پاسخ</translation>
        </message>
        <message>
            <location line="-14" />
            <source>Seen so far: {techniques}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تا اینجا دیده شده: {techniques}</translation>
        </message>
    </context>
    <context>
        <name>Findings</name>
        <message>
            <location filename="../../desktop/byway/analyze/words.py" line="+282" />
            <source>We found no sign of censorship on this network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانه‌ای از سانسور در این شبکه پیدا نکردیم.</translation>
        </message>
        <message>
            <location line="-256" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پاسخ</translation>
        </message>
        <message>
            <location line="+203" />
            <source>DNS blocking</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدودسازی DNS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>DNS injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق DNS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>encrypted DNS blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS رمزنگاری‌شده مسدود</translation>
        </message>
        <message>
            <location line="+1" />
            <source>IP black hole</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سیاه‌چالهٔ IP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TCP reset injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق بازنشانی TCP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS SNI filtering</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پالایش SNI در TLS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS interference</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختلال در TLS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">صفحهٔ مسدودسازی HTTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP diff</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تفاوت HTTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP failure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خطای HTTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>site down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سایت از کار افتاده</translation>
        </message>
        <message>
            <location line="+1" />
            <source>not tested (pacing)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش نشد (مکث)</translation>
        </message>
        <message>
            <location line="+18" />
            <source>No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays. This looks like a shutdown or an outage, not censorship of particular sites.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اینترنت نیست: هیچ چیز پاسخ نداد، حتی سایت‌های خارجی، DNS رمزنگاری‌شده یا رله‌های Tor. این به قطعی کامل یا خرابی شبیه است، نه سانسور سایت‌هایی خاص.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>tampers with DNS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در DNS دست می‌برد</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocks some addresses</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برخی نشانی‌ها را مسدود می‌کند</translation>
        </message>
        <message>
            <location line="+4" />
            <source>tampers with web pages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در صفحه‌های وب دست می‌برد</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Tor: directory authorities not tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: مراجع دایرکتوری آزمایش نشدند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: all {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: هر {tested} مرجع فهرست پاسخ می‌دهند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: {reachable} of {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: {reachable} از {tested} مرجع دایرکتوری پاسخ می‌دهند</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor: blocked by address: none of {tested} directory authorities accepts a connection, while websites work</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: بر اساس نشانی مسدود است: هیچ‌یک از {tested} مرجع فهرست اتصال را نمی‌پذیرد، در حالی که وب‌سایت‌ها کار می‌کنند</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake completes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: مسدود است: اتصال به {tested} مرجع فهرست باز می‌شود، اما هیچ دست‌دادن TLS کامل نمی‌شود</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: no directory authority answers, like everything else</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: هیچ مرجع فهرستی پاسخ نمی‌دهد، مانند همه چیز دیگر</translation>
        </message>
        <message>
            <location line="-64" />
            <source>{first} and {last}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} و {last}</translation>
        </message>
        <message>
            <location line="+13" />
            <source>blocks Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor را مسدود می‌کند</translation>
        </message>
        <message>
            <location line="+4" />
            <source>filters encrypted connections by name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال‌های رمزنگاری‌شده را بر اساس نام پالایش می‌کند</translation>
        </message>
        <message>
            <location line="+2" />
            <source>interferes with encrypted connections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در اتصال‌های رمزنگاری‌شده اختلال ایجاد می‌کند</translation>
        </message>
        <message>
            <location line="+25" />
            <source>{layer}: interfered with: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: دست‌کاری شده: {how}</translation>
        </message>
        <message>
            <location line="-20" />
            <source>Your network {actions}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شبکهٔ شما {actions}.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>{layer}: no interference seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: اختلالی دیده نشد</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{technique} ({count} of {total} targets)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{technique} ({count} از {total} هدف)</translation>
        </message>
        <message>
            <location line="-134" />
            <source>HTTP failure: fetching {subject} failed ({failure}); the control fetched it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خطای HTTP: دریافت {subject} ناموفق بود ({failure})؛ نقطهٔ کنترل آن را دریافت کرد</translation>
        </message>
        <message>
            <location line="+59" />
            <source>Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after a trigger</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش نشد: {subject} همین چند لحظه پیش بررسی شد، و برخی سانسورچی‌ها تا چند دقیقه پس از یک محرک به مسدودسازی ادامه می‌دهند</translation>
        </message>
        <message>
            <location line="-193" />
            <source>NXDOMAIN (no such name)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">NXDOMAIN (چنین نامی وجود ندارد)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SERVFAIL (server failure)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SERVFAIL (خطای کارساز)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>REFUSED</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">REFUSED (رد شد)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>a bogon address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک نشانی bogon</translation>
        </message>
        <message>
            <location line="+1" />
            <source>timeout</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پایان مهلت</translation>
        </message>
        <message>
            <location line="+1" />
            <source>reset</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بازنشانی شد</translation>
        </message>
        <message>
            <location line="+1" />
            <source>refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رد شد</translation>
        </message>
        <message>
            <location line="+1" />
            <source>connection closed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال بسته شد</translation>
        </message>
        <message>
            <location line="+1" />
            <source>host unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">میزبان در دسترس نیست</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate for another name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گواهی برای نامی دیگر</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate from an unknown authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گواهی از یک مرجع ناشناس</translation>
        </message>
        <message>
            <location line="+1" />
            <source>invalid certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گواهی نامعتبر</translation>
        </message>
        <message>
            <location line="+1" />
            <source>failed handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دست‌دهی ناموفق</translation>
        </message>
        <message>
            <location line="+3" />
            <source>success</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">موفق</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the ISP resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حل‌کنندهٔ ارائه‌دهندهٔ اینترنت</translation>
        </message>
        <message>
            <location line="+7" />
            <source>nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ</translation>
        </message>
        <message>
            <location line="+4" />
            <source>country unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کشور نامعلوم</translation>
        </message>
        <message>
            <location line="+15" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق DNS: {resolver} پاسخ {addresses} داد، که یک نشانی bogon و نشانی یک تزریق‌کنندهٔ شناخته‌شده است ({fingerprint}، {countries})؛ نقطهٔ کنترل {control} را یافت</translation>
        </message>
        <message>
            <location line="+65" />
            <source>HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">صفحهٔ مسدودسازی HTTP: {subject} صفحهٔ مسدودسازی {fingerprint} را برگرداند ({countries})</translation>
        </message>
        <message>
            <location line="+10" />
            <source>HTTP diff: the page for {subject} differs from the control's (status {status} vs {control_status}, {proportion}); no known blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تفاوت HTTP: صفحهٔ {subject} با صفحهٔ نقطهٔ کنترل فرق دارد (وضعیت {status} در برابر {control_status}، {proportion})؛ صفحهٔ مسدودسازی شناخته‌شده‌ای نیست</translation>
        </message>
        <message>
            <location line="+24" />
            <source>DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدودسازی DNS: {resolver} برای {subject} پاسخ {failure} داد؛ نقطهٔ کنترل آن را به {control} می‌رساند</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS رمزنگاری‌شده مسدود است: حل‌کنندهٔ DNS-over-HTTPS ‏{subject} در دسترس نیست ({failure})</translation>
        </message>
        <message>
            <location line="+32" />
            <source>Site down: {subject} fails from outside too ({failure}); this is not censorship</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سایت از کار افتاده: {subject} از بیرون هم کار نمی‌کند ({failure})؛ این سانسور نیست</translation>
        </message>
        <message>
            <location line="+39" />
            <source>{list}, {item}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{list}، {item}</translation>
        </message>
        <message>
            <location line="+27" />
            <source>We found no censorship of the sites tested, but some Tor relays could not be reached.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سانسوری روی سایت‌های آزمایش‌شده پیدا نکردیم، ولی به برخی از رله‌های Tor نمی‌شد رسید.</translation>
        </message>
        <message>
            <location line="-230" />
            <source>the resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حل‌کنندهٔ {resolver}</translation>
        </message>
        <message>
            <location line="+29" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق DNS: {resolver} برای {subject} پاسخ {addresses} داد، که نشانی یک تزریق‌کنندهٔ شناخته‌شده است ({fingerprint}، {countries})؛ نقطهٔ کنترل {control} را یافت</translation>
        </message>
        <message>
            <location line="+30" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake without a name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فیلتر SNI در TLS: پس از ClientHello برای {subject} خطای {failure}؛ همان IP بدون نام دست‌دهی را کامل می‌کند</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake for a benign name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فیلتر SNI در TLS: پس از ClientHello برای {subject} خطای {failure}؛ همان IP با یک نام بی‌خطر دست‌دهی را کامل می‌کند</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure}; the control's handshake validates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختلال در TLS: {endpoint}، که نشانی واقعی {subject} است، {failure} ارائه کرد؛ دست‌دهی نقطهٔ کنترل معتبر است</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: every handshake with {endpoint} for {subject} ends in {failure}, though TCP connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختلال در TLS: هر دست‌دهی با {endpoint} برای {subject} به {failure} ختم می‌شود، هرچند TCP وصل می‌شود</translation>
        </message>
        <message>
            <location line="+19" />
            <source>length not compared</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">طول مقایسه نشد</translation>
        </message>
        <message>
            <location line="+43" />
            <source>IP black hole: connecting to {endpoint} times out; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سیاه‌چالهٔ IP: اتصال به {endpoint} به پایان مهلت می‌رسد؛ نقطهٔ کنترل وصل می‌شود</translation>
        </message>
        <message>
            <location line="+4" />
            <source>IP blocking: connecting to {endpoint} fails ({failure}); the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدودسازی IP: اتصال به {endpoint} ناموفق است ({failure})؛ نقطهٔ کنترل وصل می‌شود</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TCP reset injection: the connection for {subject} was reset after the request was sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق بازنشانی TCP: اتصال برای {subject} پس از فرستادن درخواست بازنشانی شد</translation>
        </message>
        <message>
            <location line="+5" />
            <source>TCP reset injection: the connection to {endpoint} was {failure}; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق بازنشانی TCP: اتصال به {endpoint}: {failure}؛ نقطهٔ کنترل وصل می‌شود</translation>
        </message>
        <message>
            <location line="-155" />
            <source>the encrypted resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حل‌کنندهٔ رمزنگاری‌شدهٔ {resolver}</translation>
        </message>
        <message>
            <location line="+36" />
            <source>DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late}; an injector raced the genuine resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق DNS: {resolver} برای {subject} دو پاسخ متفاوت فرستاد، اول {addresses} و بعد {late}؛ یک تزریق‌کننده از حل‌کنندهٔ واقعی پیشی گرفت</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق DNS: {resolver} پاسخ {addresses} داد، که یک نشانی bogon است؛ نقطهٔ کنترل {control} را یافت</translation>
        </message>
        <message>
            <location line="+4" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}; the control found {control}, on another network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق DNS: {resolver} برای {subject} پاسخ {addresses} داد؛ نقطهٔ کنترل در شبکه‌ای دیگر {control} را یافت</translation>
        </message>
        <message>
            <location line="+49" />
            <source>{percent}% of its length</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{percent}% از طول آن</translation>
        </message>
    </context>
    <context>
        <name>GeneralTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+49" />
            <source>Language</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">زبان</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The language of Byway's window and messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">زبان پنجره و پیام‌های Byway</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Same as the system</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">همانند سیستم</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Language:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">زبان:</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Where secrets are kept...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;جای نگهداری رازها...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Choose between keeping secrets for this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">انتخاب میان نگه داشتن رازها فقط برای همین نشست یا در گاوصندوق رمزنگاری‌شدهٔ Byway</translation>
        </message>
        <message>
            <location line="+5" />
            <source>&amp;Change the vault passphrase...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تغییر عبارت عبور &amp;گاوصندوق...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the vault's current passphrase, then choose a new one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور کنونی گاوصندوق را بنویسید، سپس یک عبارت عبور تازه انتخاب کنید</translation>
        </message>
        <message>
            <location line="+13" />
            <source>&amp;Forget everything...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;فراموش کردن همه چیز...</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete Byway's settings, saved bridges, passwords, Tor state and logs from this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات Byway، پل‌های ذخیره‌شده، گذرواژه‌ها، وضعیت Tor و گزارش‌ها را از این رایانه پاک کن</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Secrets are kept in the system keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها در جاکلیدی سیستم نگه داشته می‌شوند.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Secrets are kept in Byway's own vault, protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها در گاوصندوق خود Byway، محافظت‌شده با عبارت عبور، نگه داشته می‌شوند.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets are kept only until Byway closes, and never written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها فقط تا بسته شدن Byway نگه داشته می‌شوند و هرگز روی دیسک نوشته نمی‌شوند.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Portable mode: everything stays in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت قابل حمل: همه چیز در {folder} می‌ماند.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Installed mode: settings are in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت نصب‌شده: تنظیمات در {folder} است.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>The vault's passphrase was changed. From now on, only the new one opens it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور گاوصندوق تغییر کرد. از این پس فقط عبارت تازه آن را باز می‌کند.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Something unexpected went wrong. The passphrase was not changed: the vault still opens with its current passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مشکلی غیرمنتظره پیش آمد. عبارت عبور تغییر نکرد: گاوصندوق هنوز با عبارت عبور کنونی‌اش باز می‌شود.</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Forget everything?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">همه چیز فراموش شود؟</translation>
        </message>
        <message>
            <location line="+2" />
            <source>This deletes Byway's settings, your saved bridges and passwords, Tor's state and the logs from this computer. It cannot be undone.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این کار تنظیمات Byway، پل‌ها و گذرواژه‌های ذخیره‌شده، وضعیت Tor و گزارش‌ها را از این رایانه پاک می‌کند. بازگشت‌پذیر نیست.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forget everything</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فراموش کردن همه چیز</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Some things could not be deleted: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برخی چیزها پاک نشدند: {what}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Everything Byway kept on this computer has been deleted.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر آنچه Byway روی این رایانه نگه داشته بود پاک شد.</translation>
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
            <translation type="unfinished">جای نگهداری رازها...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Where secrets are kept</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جای نگهداری رازها</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose between this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">انتخاب میان فقط همین نشست یا گاوصندوق رمزنگاری‌شدهٔ Byway</translation>
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
            <translation type="unfinished">&amp;تنظیمات</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت &amp;نمایشی</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;خروج</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Help</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;راهنما</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Presenter's note</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یادداشت &amp;ارائه‌دهنده</translation>
        </message>
        <message>
            <location line="+23" />
            <source>DEMO: simulated network ({name}). Nothing is sent anywhere.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایشی: شبکهٔ شبیه‌سازی‌شده ({name}). هیچ چیزی به جایی فرستاده نمی‌شود.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Byway (demo)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway (نمایشی)</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Portable mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت قابل‌حمل</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Installed mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت نصب‌شده</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Demo</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایشی</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Something unexpected went wrong.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مشکلی غیرمنتظره پیش آمد.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Something unexpected went wrong. A report is shown in a separate window.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مشکلی غیرمنتظره پیش آمد. گزارشی در پنجره‌ای جداگانه نشان داده می‌شود.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tests stopped. Nothing more is being sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌ها متوقف شدند. دیگر چیزی فرستاده نمی‌شود.</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Tests finished: {headline}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌ها تمام شد: {headline}</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Checking which ways out can be reached from here (a few seconds)...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بررسی اینکه کدام راه‌های خروج از اینجا در دسترس‌اند (چند ثانیه)...</translation>
        </message>
        <message>
            <location line="+103" />
            <source>Requesting bridges is not available in this build.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درخواست پل در این نسخه در دسترس نیست.</translation>
        </message>
    </context>
    <context>
        <name>Moat</name>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="+116" />
            <source>it is not JSON</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">JSON نیست</translation>
        </message>
        <message>
            <location line="+2" />
            <source>it is nested too deeply</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بیش از حد تودرتو است</translation>
        </message>
        <message>
            <location line="+62" />
            <source>HTTP status {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وضعیت HTTP {status}</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+5" />
            <source>it is too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بیش از حد بزرگ است</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server could not be reached ({error}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به کارساز پل نمی‌شد رسید ({error}).</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="+93" />
            <source>The bridge server did not understand the request.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کارساز پل درخواست را نفهمید.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The bridge server knows no working transport of those asked for here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کارساز پل هیچ ترابری کارآمدی از میان ترابری‌های درخواست‌شده نمی‌شناسد.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The bridge server could not tell which country you are in; choose it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کارساز پل نتوانست بفهمد در کدام کشور هستید؛ خودتان انتخاب کنید.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The bridge server refused the request's format.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کارساز پل قالب درخواست را نپذیرفت.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The answer to the picture was wrong; try a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پاسخ تصویر اشتباه بود؛ یک تصویر تازه را امتحان کنید.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The bridge server's answer was refused: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پاسخ کارساز پل پذیرفته نشد: {what}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>an error without a code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خطایی بدون کد</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server answered with error {code}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کارساز پل با خطای {code} پاسخ داد.</translation>
        </message>
        <message>
            <location line="+22" />
            <source>bridge lines are not a list of at most {n}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط‌های پل فهرستی با حداکثر {n} مورد نیستند</translation>
        </message>
        <message>
            <location line="+4" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک خط پل متن نیست</translation>
        </message>
        <message>
            <location line="+17" />
            <source>settings are not a short list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات یک فهرست کوتاه نیستند</translation>
        </message>
        <message>
            <location line="+5" />
            <source>a setting has no bridges object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک تنظیم شیء پل‌ها ندارد</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a setting has no transport type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک تنظیم نوع ترابری ندارد</translation>
        </message>
        <message>
            <location line="+20" />
            <source>there is no settings list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست تنظیمات وجود ندارد</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the country is not a two-letter code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کشور یک کد دوحرفی نیست</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the country map is not an object of countries</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نقشهٔ کشورها شیئی از کشورها نیست</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the country map has an entry that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نقشهٔ کشورها مدخلی دارد که کشور نیست</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the country list is not a list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست کشورها یک فهرست نیست</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the country list holds something that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست کشورها چیزی دارد که کشور نیست</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the built-in bridge list is not an object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فهرست پل‌های داخلی یک شیء نیست</translation>
        </message>
        <message>
            <location line="+8" />
            <source>there is no data item</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ داده‌ای وجود ندارد</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the data item is of the wrong type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نوع داده نادرست است</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the captcha image is missing or too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تصویر captcha نیست یا بیش از حد بزرگ است</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the captcha challenge is missing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پرسش captcha نیست</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the captcha image is not base64</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تصویر captcha به صورت base64 نیست</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the captcha image is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تصویر captcha خالی است</translation>
        </message>
        <message>
            <location line="+9" />
            <source>no usable bridge came back</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ پل قابل استفاده‌ای برنگشت</translation>
        </message>
    </context>
    <context>
        <name>MoatDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/moat_dialog.py" line="+41" />
            <source>Request bridges from the Tor Project</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درخواست پل از Tor Project</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the characters in the picture. The Tor Project then gives you bridges that are not published, so they are less likely to be blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نویسه‌های داخل تصویر را بنویسید. آنگاه Tor Project پل‌هایی به شما می‌دهد که منتشر نشده‌اند، پس احتمال مسدود شدنشان کمتر است.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Captcha picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تصویر captcha</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A picture of characters to type below; ask someone to read it if you cannot see it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تصویری از نویسه‌هایی که باید پایین بنویسید؛ اگر نمی‌توانید آن را ببینید از کسی بخواهید برایتان بخواند</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Captcha answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پاسخ captcha</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the characters shown in the picture, then press Enter</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نویسه‌های نشان داده‌شده در تصویر را بنویسید، سپس Enter را بزنید</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;New picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تصویر &amp;تازه</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Fetch a different picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گرفتن یک تصویر دیگر</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Get bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گرفتن پل‌ها</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Send the answer and receive bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فرستادن پاسخ و دریافت پل‌ها</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">لغو</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without requesting bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بستن بدون درخواست پل</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Fetching a picture...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال گرفتن تصویر...</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The picture could not be shown. Ask for a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تصویر نمایش داده نشد. یک تصویر تازه بخواهید.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Type what the picture shows.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آنچه را تصویر نشان می‌دهد بنویسید.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Type what the picture shows first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اول آنچه را تصویر نشان می‌دهد بنویسید.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sending your answer...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال فرستادن پاسخ شما...</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Received {count} bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} پل دریافت شد.</translation>
        </message>
        <message>
            <location line="-15" />
            <source>That was not the right answer. Here is a new picture: try again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پاسخ درست نبود. این یک تصویر تازه است: دوباره امتحان کنید.</translation>
        </message>
        <message>
            <location line="+29" />
            <source>The request failed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درخواست ناموفق بود.</translation>
        </message>
    </context>
    <context>
        <name>PassphraseDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/passphrase_dialog.py" line="+36" />
            <source>Change the vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تغییر عبارت عبور گاوصندوق</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type the current passphrase, then the new passphrase twice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور کنونی را بنویسید، سپس عبارت عبور تازه را دو بار</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the passphrase that opens the vault now, then the new one twice. Your bridges and passwords stay in the vault; only the passphrase that opens it changes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبوری را که اکنون گاوصندوق را باز می‌کند بنویسید، سپس عبارت تازه را دو بار. پل‌ها و گذرواژه‌های شما در گاوصندوق می‌مانند؛ فقط عبارت عبوری که آن را باز می‌کند تغییر می‌کند.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Current passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور کنونی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The passphrase that opens Byway's vault now</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبوری که اکنون گاوصندوق Byway را باز می‌کند</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Current passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور کنونی:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور تازه</translation>
        </message>
        <message>
            <location line="+0" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک عبارت عبور تازه برای گاوصندوق Byway، دست‌کم ۸ نویسه</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور تازه:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تکرار عبارت عبور تازه</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برای اطمینان، همان عبارت عبور را دوباره بنویسید</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دوباره:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ راهی برای بازیابی عبارت عبور فراموش‌شده وجود ندارد.</translation>
        </message>
        <message>
            <location line="+9" />
            <location line="+1" />
            <source>Change passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تغییر عبارت عبور</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Re-encrypt the vault under the new passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رمزنگاری دوبارهٔ گاوصندوق با عبارت عبور تازه</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">لغو</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without changing the passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بستن بدون تغییر عبارت عبور</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Type the passphrase that opens the vault now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبوری را که اکنون گاوصندوق را باز می‌کند بنویسید.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک عبارت عبور با دست‌کم ۸ نویسه انتخاب کنید.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دو عبارت عبور یکسان نیستند.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The new passphrase is the same as the current one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور تازه با عبارت عبور کنونی یکی است.</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Checking the current passphrase and re-encrypting the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بررسی عبارت عبور کنونی و رمزنگاری دوبارهٔ گاوصندوق...</translation>
        </message>
    </context>
    <context>
        <name>ProxyTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="+26" />
            <source>Only if this network lets nothing out except through a proxy.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فقط اگر این شبکه جز از طریق پراکسی اجازهٔ خروج نمی‌دهد.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Proxy type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نوع پراکسی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The kind of proxy, or none</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نوع پراکسی، یا هیچ</translation>
        </message>
        <message>
            <location line="+1" />
            <source>No proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پراکسی</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy host</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">میزبان پراکسی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's host name or address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام میزبان یا نشانی پراکسی</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه پراکسی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's port, 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه پراکسی، از ۱ تا ۶۵۵۳۵</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy user name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام کاربری پراکسی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختیاری</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گذرواژهٔ پراکسی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional; kept as a secret</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختیاری؛ به صورت راز نگه داشته می‌شود</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نوع:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Host:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">میزبان:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Port:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>User name:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام کاربری:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Password:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گذرواژه:</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Save &amp;proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ذخیرهٔ &amp;پراکسی</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Use this proxy for every connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این پراکسی برای همهٔ اتصال‌ها استفاده شود</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ذخیره شد.</translation>
        </message>
    </context>
    <context>
        <name>Report</name>
        <message>
            <location filename="../../desktop/byway/report/text.py" line="+24" />
            <source>cannot tell (the control did not answer)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمی‌توان گفت (نقطهٔ کنترل پاسخ نداد)</translation>
        </message>
        <message>
            <location line="+8" />
            <source>blocked (DNS)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدود (DNS)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (TCP/IP)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدود (TCP/IP)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (connection failed)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدود (اتصال ناموفق)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (page replaced)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدود (صفحه جایگزین شده)</translation>
        </message>
        <message>
            <location line="+39" />
            <source>Byway network report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش شبکهٔ Byway</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Targets</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هدف‌ها</translation>
        </message>
        <message>
            <location line="-54" />
            <source>accessible</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در دسترس</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down everywhere (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">همه‌جا از کار افتاده (سانسور نیست)</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Targets: {total} tested, {blocked} blocked, {down} down everywhere</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هدف‌ها: {total} آزمایش‌شده، {blocked} مسدود، {down} همه‌جا از کار افتاده</translation>
        </message>
        <message>
            <location line="+15" />
            <source>{url}: {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{url}: {status}</translation>
        </message>
        <message>
            <location line="+13" />
            <source>Measured {when} UTC, in {seconds} s</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اندازه‌گیری در {when} UTC، در {seconds} ثانیه</translation>
        </message>
        <message>
            <location line="-22" />
            <source>Probes not sent, to avoid residual blocking from earlier probes: {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کاوش‌هایی که برای پرهیز از مسدودسازی باقی‌مانده از کاوش‌های قبلی فرستاده نشدند: {count}</translation>
        </message>
    </context>
    <context>
        <name>Resources</name>
        <message>
            <location filename="../../desktop/byway/resources.py" line="+49" />
            <source>Byway's resources folder was not found near {place}; set {variable} to its location</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پوشهٔ منابع Byway نزدیک {place} پیدا نشد؛ {variable} را روی مکان آن تنظیم کنید</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="+22" />
            <source>What this network does</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این شبکه چه می‌کند</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Overview by technique and site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمای کلی بر اساس روش و سایت</translation>
        </message>
        <message>
            <location line="+1" />
            <source>One row per site, one column per network layer; each cell says what was seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر سطر یک سایت، هر ستون یک لایهٔ شبکه؛ هر خانه می‌گوید چه دیده شد</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+3" />
            <location line="+24" />
            <source>Show details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایش جزئیات</translation>
        </message>
        <message>
            <location line="-26" />
            <source>Show or hide the evidence behind each finding</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شواهد پشت هر یافته را نشان بده یا پنهان کن</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جزئیات</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Every finding with its evidence, in plain words</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر یافته با شواهدش، به زبان ساده</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;آزمایش دوباره</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the tests once more</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌ها را یک بار دیگر اجرا کن</translation>
        </message>
        <message>
            <location line="+3" />
            <source>See the &amp;way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دیدن &amp;راه خروج</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Show the ways out that should work here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه‌های خروجی که اینجا باید کار کنند را نشان بده</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Hide details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پنهان کردن جزئیات</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سایت</translation>
        </message>
        <message>
            <location line="+10" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پاسخ</translation>
        </message>
        <message>
            <location line="+2" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سالم</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Nothing to report.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چیزی برای گزارش نیست.</translation>
        </message>
    </context>
    <context>
        <name>SecretStorage</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="+44" />
            <source>Secrets: system keyring</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها: جاکلیدی سیستم</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Secrets: Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها: گاوصندوق رمزنگاری‌شدهٔ Byway</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets: only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها: فقط برای همین نشست</translation>
        </message>
        <message>
            <location line="+137" />
            <source>Byway runs in portable mode, so nothing is kept in this computer's keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway در حالت قابل‌حمل اجرا می‌شود، پس چیزی در جاکلیدی این رایانه نگه داشته نمی‌شود.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>No system keyring answered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ جاکلیدی سیستمی پاسخ نداد.</translation>
        </message>
        <message>
            <location line="+39" />
            <source>Choose where Byway keeps bridges and passwords.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">انتخاب کنید Byway پل‌ها و گذرواژه‌ها را کجا نگه دارد.</translation>
        </message>
    </context>
    <context>
        <name>SelfTest</name>
        <message>
            <location filename="../../desktop/byway/selftest.py" line="+109" />
            <location line="+15" />
            <source>not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیدا نشد</translation>
        </message>
        <message>
            <location line="-21" />
            <source>{path} is the computer's copy, not the bundle's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} نسخهٔ رایانه است، نه نسخهٔ بسته</translation>
        </message>
        <message>
            <location line="+25" />
            <source>{path} is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} خالی است</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Qt cannot be loaded: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Qt بارگیری نمی‌شود: {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the main window did not open</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پنجرهٔ اصلی باز نشد</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the demo tested no sites</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایش هیچ سایتی را آزمایش نکرد</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the advisor proposed nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مشاور چیزی پیشنهاد نکرد</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a bundle (running from source)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بسته نیست (از کد منبع اجرا می‌شود)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway self-test: {where}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خودآزمایی Byway: {where}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the user's folders</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پوشه‌های کاربر</translation>
        </message>
        <message>
            <location line="+1" />
            <source>  files kept in: {place}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">  پرونده‌ها نگه‌داشته در: {place}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Self-test failed: {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خودآزمایی ناموفق بود: {names}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Self-test passed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خودآزمایی موفق بود.</translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="+53" />
            <source>Enter the proxy's host name or address, without spaces.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام میزبان یا نشانی پراکسی را بدون فاصله وارد کنید.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Enter a port from 1 to 65535.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاهی از ۱ تا ۶۵۵۳۵ وارد کنید.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS4 proxies take no user name or password.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پراکسی‌های SOCKS4 نام کاربری و گذرواژه نمی‌پذیرند.</translation>
        </message>
        <message>
            <location line="+141" />
            <source>Secrets are not kept in Byway's vault now, so there is no passphrase to change.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها اکنون در گاوصندوق Byway نگه داشته نمی‌شوند، پس عبارت عبوری برای تغییر نیست.</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+18" />
            <source>Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+8" />
            <source>Settings sections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بخش‌های تنظیمات</translation>
        </message>
        <message>
            <location line="-8" />
            <source>Bridges, proxy, and general</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌ها، پراکسی و عمومی</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;پل‌ها</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pro&amp;xy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;پراکسی</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;General</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;عمومی</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a section with the arrow keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">با کلیدهای جهت‌نما یک بخش را انتخاب کنید</translation>
        </message>
        <message>
            <location line="+2" />
            <source>D&amp;one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;تمام</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close the settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بستن تنظیمات</translation>
        </message>
    </context>
    <context>
        <name>StorageDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="-173" />
            <source>Where should Byway keep your secrets?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway رازهای شما را کجا نگه دارد؟</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Keep only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فقط برای همین نشست نگه دار</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are forgotten when Byway closes; nothing is written to disk</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌ها و گذرواژه‌ها با بسته شدن Byway فراموش می‌شوند؛ چیزی روی دیسک نوشته نمی‌شود</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+1" />
            <source>Keep in Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در گاوصندوق رمزنگاری‌شدهٔ Byway نگه دار</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are saved in a file that only your passphrase opens</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌ها و گذرواژه‌ها در پرونده‌ای ذخیره می‌شوند که فقط عبارت عبور شما بازش می‌کند</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forgotten when Byway closes. Nothing is written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">با بسته شدن Byway فراموش می‌شوند. چیزی روی دیسک نوشته نمی‌شود.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور گاوصندوق</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The passphrase that opens Byway's vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبوری که گاوصندوق Byway را باز می‌کند</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک عبارت عبور تازه برای گاوصندوق Byway، دست‌کم ۸ نویسه</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تکرار عبارت عبور</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برای اطمینان، همان عبارت عبور را دوباره بنویسید</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دوباره:</translation>
        </message>
        <message>
            <location line="+5" />
            <source>A vault already exists here: type its passphrase to open it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اینجا از قبل یک گاوصندوق هست: برای باز کردنش عبارت عبور آن را بنویسید.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ راهی برای بازیابی عبارت عبور فراموش‌شده وجود ندارد.</translation>
        </message>
        <message>
            <location line="+8" />
            <location line="+1" />
            <source>Continue</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ادامه</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep secrets the way chosen above</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها را به روشی که بالا انتخاب شد نگه دار</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک عبارت عبور با دست‌کم ۸ نویسه انتخاب کنید.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دو عبارت عبور یکسان نیستند.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Type the vault's passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور گاوصندوق را بنویسید.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Opening the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال باز کردن گاوصندوق...</translation>
        </message>
    </context>
    <context>
        <name>Store</name>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="+24" />
            <source>the drive is read-only</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دیسک فقط‌خواندنی است</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پوشه دیگر وجود ندارد</translation>
        </message>
        <message>
            <location line="+2" />
            <source>permission was refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اجازه داده نشد</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the drive is full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دیسک پر است</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="+31" />
            <source>Byway cannot save to {path}: {detail}. Nothing saved earlier was lost. If Byway runs from a removable drive, check that it is plugged in and not write-protected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway نمی‌تواند در {path} ذخیره کند: {detail}. چیزی از آنچه پیش‌تر ذخیره شده بود از دست نرفت. اگر Byway از یک دیسک جداشدنی اجرا می‌شود، بررسی کنید که وصل باشد و در برابر نوشتن قفل نباشد.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>No system keyring was found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ جاکلیدی سیستمی روی این رایانه پیدا نشد.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring is locked and could not be unlocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جاکلیدی سیستم قفل است و باز نشد.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring refused to store Byway's secrets.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جاکلیدی سیستم از ذخیرهٔ رازهای Byway خودداری کرد.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The only keyring available stores secrets unencrypted in a file, so Byway will not use it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنها جاکلیدی موجود رازها را بدون رمزنگاری در یک پرونده نگه می‌دارد، پس Byway از آن استفاده نمی‌کند.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The system keyring did not answer correctly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جاکلیدی سیستم درست پاسخ نداد.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You can keep secrets only until Byway closes, or in Byway's own vault file protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">می‌توانید رازها را فقط تا بسته شدن Byway نگه دارید، یا در پروندهٔ گاوصندوق خود Byway که با یک عبارت عبور محافظت می‌شود.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>The passphrase is not correct for this vault.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عبارت عبور برای این گاوصندوق درست نیست.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The vault file {path} is damaged or was altered ({detail}). Byway will not use its contents.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پروندهٔ گاوصندوق {path} آسیب دیده یا دستکاری شده است ({detail}). Byway از محتوای آن استفاده نمی‌کند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/locations.py" line="+76" />
            <location filename="../../desktop/byway/store/settings.py" line="+248" />
            <source>the portable folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پوشهٔ قابل‌حمل دیگر وجود ندارد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/settings.py" line="-42" />
            <source>Your settings were saved by a different version of Byway and cannot be read. They were kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات شما با نسخهٔ دیگری از Byway ذخیره شده و خواندنی نیست. با نام {moved_to} نگه داشته شد؛ Byway با تنظیمات پیش‌فرض شروع می‌کند.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Your settings file was damaged and cannot be read. It was kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پروندهٔ تنظیمات شما آسیب دیده و خواندنی نیست. با نام {moved_to} نگه داشته شد؛ Byway با تنظیمات پیش‌فرض شروع می‌کند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="+124" />
            <source>not a Byway vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گاوصندوق Byway نیست</translation>
        </message>
        <message>
            <location line="+3" />
            <source>unknown vault version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نسخهٔ ناشناختهٔ گاوصندوق</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the file is truncated</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پرونده ناقص است</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header was changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سرآیند تغییر کرده است</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header is not valid</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سرآیند معتبر نیست</translation>
        </message>
        <message>
            <location line="+55" />
            <source>the encrypted contents were changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">محتوای رمزنگاری‌شده تغییر کرده است</translation>
        </message>
    </context>
    <context>
        <name>Targets</name>
        <message>
            <location filename="../../desktop/byway/targets.py" line="+40" />
            <source>Only http:// and https:// addresses can be tested: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فقط نشانی‌های http://‎ و https://‎ را می‌توان آزمایش کرد: {url}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>This is not a web address: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این یک نشانی وب نیست: {url}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Cannot read the target file {path}: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمی‌توان پروندهٔ هدف‌ها {path} را خواند: {reason}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{path}, line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path}، خط {number}: {problem}</translation>
        </message>
    </context>
    <context>
        <name>Tor</name>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="+17" />
            <source>Tor could not connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor نتوانست وصل شود.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Try another way out, or try again later.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه خروج دیگری را امتحان کنید، یا بعداً دوباره تلاش کنید.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>A setting for Tor was refused ({key}: {why}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یکی از تنظیمات Tor پذیرفته نشد ({key}: {why}).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check the bridge lines and proxy you entered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط‌های پل و پراکسی‌ای را که وارد کردید بررسی کنید.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The Tor program was not found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ Tor روی این رایانه پیدا نشد.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Install Tor (the 'tor' package), or use the portable Byway that carries it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor را نصب کنید (بستهٔ 'tor')، یا از نسخهٔ قابل‌حمل Byway که Tor را همراه دارد استفاده کنید.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor stopped unexpectedly (exit status {code}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ناگهان متوقف شد (وضعیت خروج {code}).</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Try connecting again; if it keeps happening, save a report and share it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دوباره وصل شوید؛ اگر باز هم پیش آمد، یک گزارش ذخیره و آن را به اشتراک بگذارید.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Tor got stuck at {progress}% ({tag}): the bridge or relay could not be reached. This network probably blocks it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor در {progress}% ({tag}) گیر کرد: به پل یا رله نمی‌شد رسید. احتمالاً این شبکه آن را مسدود می‌کند.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while handshaking: the connection was reached but then disturbed, which is how deep packet inspection of this transport looks.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor هنگام دست‌دهی در {progress}% ({tag}) گیر کرد: اتصال برقرار شد ولی بعد مختل شد، و بازرسی عمیق بسته‌ها (DPI) برای این ترابری همین‌طور دیده می‌شود.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while loading the network's directory.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor هنگام بارگیری دایرکتوری شبکه در {progress}% ({tag}) گیر کرد.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Try another bridge or another transport (snowflake, meek, webtunnel).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل دیگر یا ترابری دیگری را امتحان کنید (Snowflake، meek، webtunnel).</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Check that the computer's date, time and time zone are right, then retry.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بررسی کنید تاریخ، ساعت و منطقهٔ زمانی رایانه درست باشد، سپس دوباره تلاش کنید.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Connections to Tor were refused at once: this network actively blocks them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال‌ها به Tor بی‌درنگ رد شدند: این شبکه فعالانه آن‌ها را مسدود می‌کند.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor were cut off (reset): this network interferes with them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال‌ها به Tor قطع شدند (بازنشانی): این شبکه در آن‌ها اختلال ایجاد می‌کند.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor timed out: this network silently drops them, or is very slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مهلت اتصال‌ها به Tor تمام شد: این شبکه آن‌ها را بی‌صدا دور می‌ریزد، یا بسیار کند است.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no route to the Tor network: this computer may be offline, or it is blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسیری به شبکهٔ Tor نیست: شاید این رایانه آفلاین باشد، یا مسیر مسدود است.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor could not reach the network ({reason}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor نتوانست به شبکه برسد ({reason}).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check that this computer is online, then try a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بررسی کنید این رایانه آنلاین باشد، سپس یک پل را امتحان کنید.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Use a bridge with a transport such as obfs4, snowflake or meek.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">از پلی با یک ترابری مثل obfs4، Snowflake یا meek استفاده کنید.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>The program that carries the {transport} transport could not run.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامه‌ای که ترابری {transport} را اجرا می‌کند نتوانست اجرا شود.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install obfs4proxy or lyrebird (and snowflake-client for snowflake), or pick another way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4proxy یا lyrebird را نصب کنید (و برای Snowflake برنامهٔ snowflake-client را)، یا راه دیگری انتخاب کنید.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>This computer's clock is off by about {minutes} minutes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ساعت این رایانه حدود {minutes} دقیقه اختلاف دارد.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Set the right date, time and time zone, then connect again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تاریخ، ساعت و منطقهٔ زمانی درست را تنظیم کنید، سپس دوباره وصل شوید.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor could not connect through the proxy {proxy}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor نتوانست از راه پراکسی {proxy} وصل شود.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Check the proxy's address, port, user name and password, or remove it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی، درگاه، نام کاربری و گذرواژهٔ پراکسی را بررسی کنید، یا آن را حذف کنید.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>There was nothing to try: the plan had no usable way out.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چیزی برای امتحان نبود: برنامه هیچ راه خروج قابل استفاده‌ای نداشت.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>None of the ways out worked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ‌کدام از راه‌های خروج کار نکرد.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install a transport, or add a bridge you got from a friend.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک ترابری نصب کنید، یا پلی را که از یک فرد مورد اعتماد گرفته‌اید بیفزایید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="+53" />
            <source>Tor stopped unexpectedly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ناگهان متوقف شد.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The transport program that carries the connection stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ ترابری که اتصال را حمل می‌کند متوقف شد.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Reconnecting…</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال دوباره…</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Reconnected; the SOCKS address is {socks}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دوباره وصل شد؛ نشانی SOCKS برابر {socks} است.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The connection was lost.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال از دست رفت.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/strategy.py" line="+244" />
            <source>Another way connected first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه دیگری زودتر وصل شد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="+72" />
            <location line="+76" />
            <source>the port must be from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه باید از 1 تا 65535 باشد</translation>
        </message>
        <message>
            <location line="-74" />
            <source>a SOCKS4 proxy cannot take a password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پراکسی SOCKS4 گذرواژه نمی‌پذیرد</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS5 user names and passwords stop at 255</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام کاربری و گذرواژهٔ SOCKS5 حداکثر ۲۵۵ نویسه است</translation>
        </message>
        <message>
            <location line="+2" />
            <source>an HTTP user name cannot contain ':'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام کاربری HTTP نمی‌تواند ':' داشته باشد</translation>
        </message>
        <message>
            <location line="+24" />
            <source>expected a proxy like socks5://host:1080 or http://user:password@host:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پراکسی‌ای مثل socks5://host:1080 یا http://user:password@host:8080 انتظار می‌رفت</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a directory authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مرجع دایرکتوری نیست</translation>
        </message>
        <message>
            <location line="+24" />
            <source>a test network needs authorities</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک شبکهٔ آزمایشی به مرجع نیاز دارد</translation>
        </message>
        <message>
            <location line="+99" />
            <source>not an option name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام گزینه نیست</translation>
        </message>
        <message>
            <location line="+17" />
            <source>a control character</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یک نویسهٔ کنترلی</translation>
        </message>
        <message>
            <location line="+8" />
            <source>not a host name or IP address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام میزبان یا نشانی IP نیست</translation>
        </message>
    </context>
    <context>
        <name>Transports</name>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="+133" />
            <source>{path} is not a regular file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} یک پروندهٔ معمولی نیست</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{path} is not executable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} اجراشدنی نیست</translation>
        </message>
        <message>
            <location line="+58" />
            <location filename="../../desktop/byway/transports/managed_pt.py" line="+222" />
            <source>{path} could not be started ({error})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} اجرا نشد ({error})</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="-78" />
            <source>the transport program exited before it was ready</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ ترابری پیش از آماده شدن بسته شد</translation>
        </message>
        <message>
            <location line="+5" />
            <source>unsupported managed-mode version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نسخهٔ managed-mode پشتیبانی نمی‌شود</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the transport program refused: {detail}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ ترابری نپذیرفت: {detail}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the transport program does not offer {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ ترابری {names} را ارائه نمی‌کند</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the upstream proxy was not accepted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پراکسی بالادستی پذیرفته نشد</translation>
        </message>
        <message>
            <location line="+65" />
            <source>the transport program did not get ready in time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامهٔ ترابری به‌موقع آماده نشد</translation>
        </message>
        <message>
            <location line="+33" />
            <source>the SOCKS proxy refused to log in</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پراکسی SOCKS ورود را نپذیرفت</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport refused the bridge arguments</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ترابری آرگومان‌های پل را نپذیرفت</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport could not connect: {word}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ترابری نتوانست وصل شود: {word}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="+178" />
            <source>{first} or {second}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} یا {second}</translation>
        </message>
        <message>
            <location line="+19" />
            <source>{transport} needs tor, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} به tor نیاز دارد، که پیدا نشد</translation>
        </message>
        <message>
            <location line="+5" />
            <source>plain bridges need only tor ({tor} at {path})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های ساده فقط به tor نیاز دارند ({tor} در {path})</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{transport} is carried by {program} at {path}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} را {program} در {path} اجرا می‌کند</translation>
        </message>
        <message>
            <location line="+10" />
            <source>{transport} needs {needed}; only {found} was found, which does not support it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} به {needed} نیاز دارد؛ فقط {found} پیدا شد، که از آن پشتیبانی نمی‌کند</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{transport} needs {needed}, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} به {needed} نیاز دارد، که پیدا نشد</translation>
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
            <translation type="unfinished">اتصال</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">قطع اتصال</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Show Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایش Byway</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خروج</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Byway: not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: وصل نیست</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: testing the network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: در حال آزمایش شبکه</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: در حال اتصال</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: وصل است</translation>
        </message>
    </context>
    <context>
        <name>Ui</name>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="+157" />
            <source>{what} is not available in this build of Byway ({detail}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{what} در این نسخهٔ Byway در دسترس نیست ({detail}).</translation>
        </message>
        <message>
            <location line="+59" />
            <source>Advice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">توصیه</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+4" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال</translation>
        </message>
        <message>
            <location line="+189" />
            <source>Demo mode: no request is sent, so Moat is not asked for bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت نمایشی: هیچ درخواستی فرستاده نمی‌شود، پس از Moat پل خواسته نمی‌شود.</translation>
        </message>
    </context>
    <context>
        <name>WelcomePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="+18" />
            <source>Find a way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راهی به بیرون پیدا کنید</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Byway tests what this network blocks, explains it in plain words, recommends the way out most likely to work, and connects you through Tor.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway آزمایش می‌کند که این شبکه چه چیزهایی را مسدود می‌کند، آن را به زبان ساده توضیح می‌دهد، راه خروجی را که به احتمال زیاد کار می‌کند پیشنهاد می‌دهد، و شما را از طریق Tor وصل می‌کند.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>I understand, and I want to run the tests</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">متوجه هستم و می‌خواهم آزمایش‌ها اجرا شوند</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Consent to testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رضایت به آزمایش</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tick to agree to the tests described above; nothing is tested without it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برای موافقت با آزمایش‌های بالا تیک بزنید؛ بدون آن هیچ چیز آزمایش نمی‌شود</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connect without testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال بدون آزمایش</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Skip the network test and go straight to the recommended ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">از آزمایش شبکه بگذر و مستقیم به راه‌های خروج پیشنهادی برو</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Test this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;آزمایش این شبکه</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start testing which sites and which ways to Tor this network blocks</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش کن که این شبکه کدام سایت‌ها و کدام راه‌های رسیدن به Tor را مسدود می‌کند</translation>
        </message>
    </context>
    <context>
        <name>Words</name>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="+19" />
            <source>Plain Tor (no bridge)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ساده (بدون پل)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های obfs4</translation>
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
            <translation type="unfinished">meek (از طریق یک ارائه‌دهندهٔ ابری)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>WebTunnel bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های WebTunnel</translation>
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
            <translation type="unfinished">پل‌های ساده</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال راه‌اندازی Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Starting the bridge's transport</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال راه‌اندازی انتقال پل</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reaching the bridge</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال رسیدن به پل</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال به پراکسی شما</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به پراکسی شما وصل شد</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال به شبکهٔ Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to a first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به نخستین رله وصل شد</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Greeting the first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال دست‌دادن با نخستین رله</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The first relay answered</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نخستین رله پاسخ داد</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Opening an encrypted directory connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال باز کردن اتصال رمزنگاری‌شده به فهرست</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال درخواست فهرست رله‌ها</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بارگیری فهرست رله‌ها</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the directory keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بارگیری کلیدهای فهرست</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال درخواست جزئیات رله‌ها</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بارگیری جزئیات رله‌ها</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Enough is known to build a path</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اطلاعات کافی برای ساختن مسیر به دست آمد</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+1" />
            <location line="+7" />
            <source>Building a path through Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال ساختن مسیری از میان Tor</translation>
        </message>
        <message>
            <location line="-6" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وصل شد</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Learning about the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال شناختن شبکهٔ Tor</translation>
        </message>
        <message>
            <location line="+7" />
            <source>The bridge or relay could not be reached: it is probably blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به پل یا رله نمی‌توان رسید: احتمالاً اینجا مسدود است.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The connection was cut during the handshake: this network may recognise this way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال هنگام دست‌دادن قطع شد: شاید این شبکه این راه را می‌شناسد.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor stopped while loading the directory: check that your computer's clock is right.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor هنگام بارگیری فهرست متوقف شد: درست بودن ساعت رایانه را بررسی کنید.</translation>
        </message>
    </context>
    <context>
        <name>window</name>
        <message>
            <location filename="../../desktop/byway/ui/app.py" line="+123" />
            <source>Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت نمایشی</translation>
        </message>
    </context>
</TS>