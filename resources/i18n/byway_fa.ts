<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fa_IR">
    <context>
        <name>Advice</name>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="25" />
            <source>The Tor relays did not answer in the test, so plain Tor will probably fail.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="29" />
            <source>The Tor relays answered in the test: plain Tor is the fastest way.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="33" />
            <source>This network inspects Tor's handshake; obfs4 may be recognised as well.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="37" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="39" />
            <source>Snowflake looks like a video call and changes proxies often.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="41" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="49" />
            <source>Nothing reaches outside this network: this looks like a shutdown. No way out can work now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="58" />
            <source>Tor's own handshake is blocked here: start with snowflake, which looks like a video call.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="64" />
            <source>Tor's public relays are blocked by address: start with obfs4 bridges.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="67" />
            <source>Tor's relays answered: plain Tor first, with bridges as a fallback.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>these are your own bridges</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>snowflake looks like a video call and changes proxies often</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>meek goes through a large cloud provider, which is hard to block; it is slow</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>webtunnel looks like an ordinary visit to a website</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>plain bridges are not on public relay lists, but look like Tor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>conjure hides among unused addresses of a friendly network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing can be tried on this computer: the programs needed are missing.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>plain Tor is the fastest way when it is not blocked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>handshake</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>connection</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>obfs4 bridges can be reached, but their handshakes were reset or stalled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the Tor Project's bridge service recommends it for your network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>this worked on this network last time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing reaches outside this network, not even sites that are never blocked: this is a shutdown, not a block. No way out can work until the connection comes back.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the Tor relays answered a handshake from here in {ms} ms</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tor's own handshake is blocked here (connections open, then stall)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the Tor relays are blocked by address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the Tor relays answered during the diagnosis</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>only some Tor relays answered during the diagnosis</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the Tor Project's advice for this country is that no bridge is needed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>bridges are usually needed in this country</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{name} bridge {n} completed a {what} in {ms} ms</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the saved advice for {country} recommends it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no program for these bridges was found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>none of these {name} bridges could be reached from here</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>this network seems to recognise Tor-like traffic; {name} looks like the web</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the program for {name} was not looked for</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{name} is the backup</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{count} that did not answer were left out</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>AdvicePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="21" />
            <source>The way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه خروج</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="25" />
            <source>Byway tries these in order. Untick a way to skip it, or move it up or down.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی این راه‌ها را به ترتیب امتحان می‌کند. برای رد کردن یک راه تیک آن را بردارید، یا آن را بالا و پایین ببرید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="30" />
            <source>Ways out, best first</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه‌های خروج، بهترین اول</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="31" />
            <source>Each way out with the reasons for its place; tick or untick with Space</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر راه خروج با دلیل جایگاهش؛ با کلید فاصله تیک بزنید یا بردارید</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="37" />
            <source>Move &amp;up</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بالاتر</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="37" />
            <source>Try the selected way earlier</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه انتخاب‌شده زودتر امتحان شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="38" />
            <source>Move &amp;down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پایین‌تر</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="38" />
            <source>Try the selected way later</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه انتخاب‌شده دیرتر امتحان شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="45" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش دوباره</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="45" />
            <source>Run the network tests again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌های شبکه را دوباره اجرا کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="48" />
            <source>&amp;Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="48" />
            <source>Connect through Tor, trying the ways in this order</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال از طریق تور، با امتحان راه‌ها به همین ترتیب</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="80" />
            <source>not available on this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">روی این رایانه در دسترس نیست</translation>
        </message>
    </context>
    <context>
        <name>BridgeLine</name>
        <message>
            <location filename="../../desktop/byway/transports/bridge_errors.py" line="63" />
            <source>line {number}: {problem}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="99" />
            <source>the address must be an IP address and a port, like 192.0.2.1:443</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="107" />
            <source>IPv6 addresses must be written in brackets, like [2001:db8::1]:443</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="131" />
            <source>the address is not a valid IPv4 or IPv6 address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="135" />
            <source>the port must be a number from 1 to 65535</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="160" />
            <source>the fingerprint must be text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="167" />
            <source>{transport} bridges need a fingerprint after the address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="204" />
            <source>arguments must be pairs of text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="211" />
            <source>the argument {key} appears more than once</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="219" />
            <source>a plain bridge has only an address and a fingerprint; found {key}=...</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="227" />
            <source>{transport} bridges need the argument {key}=</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="245" />
            <source>an obfs4 bridge takes only cert= and iat-mode=; found {key}=</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="259" />
            <source>the fingerprint= argument differs from the fingerprint after the address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="266" />
            <source>{name} is not a transport Byway knows; expected one of: {known}, or a plain IP:PORT</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="284" />
            <source>a bridge line must be text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="290" />
            <source>the bridge line is empty</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="304" />
            <source>the bridge line needs an address, like 192.0.2.1:443</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="322" />
            <source>unexpected text {text}; after the address only key=value arguments may follow</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="70" />
            <source>the bridge line is {length} characters long; the limit is {limit}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="81" />
            <source>the bridge line contains '#' at position {position}; it is not allowed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="90" />
            <source>the bridge line contains a control character ({codepoint}) at position {position}; a bridge line is a single line of plain text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="98" />
            <source>the bridge line contains a character that is not plain ASCII ({codepoint}) at position {position}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="119" />
            <source>the fingerprint must be 40 hexadecimal characters; got {count}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="126" />
            <source>the fingerprint must contain only hexadecimal characters (0-9, A-F)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="136" />
            <source>the argument name {key} is not allowed; names use only letters, digits, '_' and '-'</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="148" />
            <source>the argument {key} has no value</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="155" />
            <source>the value of {key} contains characters that are not allowed (letters, digits and . _ , : + / = - only)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="176" />
            <source>the value of {key} contains characters that are not allowed in a URL</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="188" />
            <source>the value of {key} must be an http or https address with a host name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="195" />
            <source>the value of {key} must not contain a user name or password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="217" />
            <source>the obfs4 cert must be 70 characters of base64 without '=' padding; got {count} characters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="230" />
            <source>the obfs4 cert does not decode to a valid 52-byte certificate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="239" />
            <source>iat-mode must be 0, 1 or 2; got {value}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>BridgesTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="26" />
            <source>Built-in bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="27" />
            <source>Which of the bridges that come with Byway to use</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کدام یک از پل‌هایی که همراه بای‌وی هستند استفاده شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="32" />
            <source>Choose for me</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خودت انتخاب کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="33" />
            <source>obfs4</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="34" />
            <source>Snowflake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اسنوفلیک (Snowflake)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="35" />
            <source>meek</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="36" />
            <source>None</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هیچ‌کدام</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="41" />
            <source>Built-in bridges:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های داخلی:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="45" />
            <source>&amp;Request bridges...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درخواست پل...</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="46" />
            <source>Ask the Tor Project for private bridges, after solving a captcha</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پس از حل کپچا، از پروژهٔ تور پل خصوصی بخواهید</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="54" />
            <source>Your own bridges, one per line:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان، هر خط یک پل:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="57" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="58" />
            <source>Paste bridge lines here, one per line; each line is checked as you type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خط‌های پل را اینجا بچسبانید، هر خط یک پل؛ هر خط هنگام تایپ بررسی می‌شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="67" />
            <source>&amp;Save bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ذخیرهٔ پل‌ها</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="67" />
            <source>Keep these bridges for the next connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این پل‌ها برای اتصال بعدی نگه داشته شوند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="89" />
            <source>Requesting bridges through Moat is not available in this build yet. You can get bridges from https://bridges.torproject.org or by e-mail from bridges@torproject.org.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درخواست پل از طریق Moat هنوز در این نسخه در دسترس نیست. می‌توانید از https://bridges.torproject.org یا با ایمیل به bridges@torproject.org پل بگیرید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="112" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ذخیره شد.</translation>
        </message>
    </context>
    <context>
        <name>Catalog</name>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="130" />
            <source>the bridge list is not in the expected format: {what}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="142" />
            <source>a bridge kind name is not a short lowercase word</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="145" />
            <source>the bridges of kind {kind} are not a list of at most {limit} lines</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="151" />
            <source>bridges of kind {kind} are not supported</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="157" />
            <source>a bridge line is not text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="166" />
            <source>a {transport} bridge is listed under {kind}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="182" />
            <source>the document is not a JSON object</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="185" />
            <source>there is no "bridges" object</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="188" />
            <source>recommendedDefault is not a bridge kind name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="197" />
            <source>pluggableTransports is not a set of single-line templates</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="231" />
            <source>the Moat answer is not a JSON object</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="233" />
            <source>the bridge server answered with an error</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="236" />
            <source>the bridge server sent no usable bridges</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="264" />
            <location filename="../../desktop/byway/transports/catalog.py" line="267" />
            <source>the saved list has no date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="270" />
            <source>the saved list has no usable bridges</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Cli</name>
        <message>
            <location filename="../../desktop/byway/cli.py" line="23" />
            <source>Find out what this network blocks, learn which way out should work, and connect.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/cli.py" line="32" />
            <source>keep everything (settings, secrets, tor state) under DIR</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/cli.py" line="58" />
            <source>Cannot use {path} as the portable folder: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="36" />
            <source>expected IP:PORT, for example 8.8.8.8:53</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="43" />
            <source>expected NAME=IP:PORT</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="50" />
            <source>find out what this network blocks, and how</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="51" />
            <source>Test websites and the Tor network from here, compare with an uncensored control, and explain what is blocked and how. Without URLs, Byway's default list is tested.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="62" />
            <source>addresses to test</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="63" />
            <source>a file of URLs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="65" />
            <source>print OONI-format measurements, one per line</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="69" />
            <source>do not ask a test helper</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="72" />
            <source>skip the UDP DNS test</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="74" />
            <source>skip DNS-over-HTTPS</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="78" />
            <source>use the --resolver answers instead of the system's</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="86" />
            <source>a Tor relay to test instead of the directory authorities (repeatable)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="88" />
            <source>do not test the Tor network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="89" />
            <location filename="../../desktop/byway/commands/helper.py" line="53" />
            <source>seconds per step</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="96" />
            <source>after a suspected trigger, leave that address and port alone this long</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="99" />
            <source>a fixed random order, to repeat a run</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="104" />
            <source>consent to the tests without a prompt (for scripts)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="145" />
            <source>No terminal to ask for consent: run again with --accept-risks to agree.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="151" />
            <source>Nothing was tested.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="162" />
            <source>Testing {total} targets...</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="41" />
            <source>list, check, add and remove bridges</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="42" />
            <source>Built-in and your own bridges: list them, check which transports work here, add, remove.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="47" />
            <source>same as 'byway bridges check'</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="52" />
            <source>show built-in and your own bridges</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="53" />
            <source>show your bridges in full</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="55" />
            <source>which transports can run here, and why</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="59" />
            <source>also pre-check the Tor network and the bridges from this network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="61" />
            <source>seconds per check</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="63" />
            <source>add your own bridges</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="64" />
            <source>a bridge line (quote it)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="68" />
            <source>do not store the bridges; use them only for this session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="71" />
            <source>remove one of your bridges</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="72" />
            <source>its id from 'list' or its line</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="74" />
            <source>fetch fresh built-in bridges from Moat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="79" />
            <source>reach Moat through meek domain fronting (when it is blocked)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="92" />
            <source>Passphrase of Byway's vault: </source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="95" />
            <source>The vault needs its passphrase (or set {name}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="103" />
            <source>unknown date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="104" />
            <source>Built-in bridges ({source}, as of {date}):</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="118" />
            <source>Your bridges: none.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="121" />
            <source>Your bridges ({count}):</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="125" />
            <source>(addresses hidden; add --show to see them)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="137" />
            <source>Line {n}: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="151" />
            <source>Nothing was added: correct the lines above.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="158" />
            <source>{count} bridges checked; kept only for this session, nothing was stored.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="172" />
            <source>Added {added} bridges ({total} in all), kept in: {where}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="185" />
            <source>You have no bridges of your own to remove.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="195" />
            <source>No bridge of yours matches {which}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="199" />
            <source>Removed {id}; {count} left.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="208" />
            <source>available</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="208" />
            <source>unavailable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="231" />
            <source>Tor network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="233" />
            <location filename="../../desktop/byway/commands/diagnose.py" line="172" />
            <source>reachable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="258" />
            <source>there is no meek bridge line to front with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="172" />
            <source>unreachable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="178" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سالم</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="180" />
            <source>down (not censorship)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="182" />
            <source>unknown</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="183" />
            <source>blocked ({how})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="208" />
            <source>Stopped.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="234" />
            <source>The report was withheld: your address could not be removed from it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="22" />
            <source>expected HOST:PORT, for example 127.0.0.1:8080</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="31" />
            <source>expected IP:PORT, for example 127.0.0.1:53</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="38" />
            <source>run a web-connectivity test helper (an uncensored control)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="39" />
            <source>Serve OONI's web-connectivity test-helper protocol, so that probes elsewhere can compare what they see with what this network sees. Run it only on an uncensored network.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="51" />
            <source>resolve names with this DNS server instead of the system resolver</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="58" />
            <source>serve HTTPS with this certificate (PEM), so probes' requests are encrypted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="61" />
            <source>its private key (PEM)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="72" />
            <source>--tls-cert and --tls-key go together.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="79" />
            <source>Cannot use that certificate and key: {reason}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ConnectedPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="19" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وصل شد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="21" />
            <source>Point your applications at this SOCKS5 proxy. Tor Browser needs no setting.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برنامه‌های خود را روی این پراکسی SOCKS5 تنظیم کنید. مرورگر تور به تنظیم نیازی ندارد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="26" />
            <source>SOCKS address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی SOCKS</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="26" />
            <source>The address and port of the SOCKS5 proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی و درگاه پراکسی SOCKS5</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="30" />
            <source>Cop&amp;y</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رونوشت</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="30" />
            <source>Copy the SOCKS address to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانی SOCKS را در کلیپ‌بورد رونوشت کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="35" />
            <source>Demo: this address is made up and nothing listens there. No traffic was sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایشی: این نشانی ساختگی است و چیزی پشت آن نیست. هیچ ترافیکی فرستاده نشد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="45" />
            <source>&amp;Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">قطع اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="45" />
            <source>Stop Tor and close the connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور را متوقف کن و اتصال را ببند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="54" />
            <source>Connected with {way} in {seconds:.0f} s.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">با {way} در {seconds:.0f} ثانیه وصل شد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="60" />
            <source>Copied.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رونوشت شد.</translation>
        </message>
    </context>
    <context>
        <name>ConnectingPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="21" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="24" />
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="63" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال راه‌اندازی تور</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="26" />
            <source>Connection progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیشرفت اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="26" />
            <source>How far Tor has got</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور تا کجا پیش رفته است</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="32" />
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="33" />
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="56" />
            <source>Show log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایش گزارش</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="32" />
            <source>Show or hide Tor's messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیام‌های تور را نشان بده یا پنهان کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="39" />
            <source>Connection log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="39" />
            <source>Every step Tor reported, with the time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر مرحله‌ای که تور گزارش داد، با زمان آن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="45" />
            <source>&amp;Back to the plan</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بازگشت به برنامه</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="45" />
            <source>Return to the ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بازگشت به راه‌های خروج</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="48" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">لغو</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="48" />
            <source>Stop connecting and stop Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال را متوقف کن و تور را ببند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="56" />
            <source>Hide log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پنهان کردن گزارش</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="84" />
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="86" />
            <source>Trying {way}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال امتحان {way}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="96" />
            <source>Not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وصل نیست</translation>
        </message>
    </context>
    <context>
        <name>Consent</name>
        <message>
            <location filename="../../desktop/byway/consent.py" line="17" />
            <source>Before Byway tests this network, please know:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیش از آنکه بای‌وی این شبکه را آزمایش کند، لطفاً بدانید:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/consent.py" line="18" />
            <source>- Anyone who watches this connection (your internet provider, your employer, a government) can see that these tests are running and which sites they try.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- هر کسی که این اتصال را زیر نظر دارد (ارائه‌دهندهٔ اینترنت، کارفرما، یک دولت) می‌تواند ببیند که این آزمایش‌ها در حال اجرا هستند و کدام سایت‌ها را امتحان می‌کنند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/consent.py" line="23" />
            <source>- Some of the sites Byway tests may be illegal or frowned upon where you are. You can test only the addresses you choose instead.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- برخی از سایت‌هایی که بای‌وی آزمایش می‌کند ممکن است جایی که هستید غیرقانونی یا ناپسند باشند. می‌توانید به جای آن فقط نشانی‌هایی را که خودتان انتخاب می‌کنید آزمایش کنید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/consent.py" line="28" />
            <source>- Byway uploads nothing. Results stay on this computer unless you share them yourself.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- بای‌وی چیزی را بارگذاری نمی‌کند. نتایج روی همین رایانه می‌مانند، مگر آنکه خودتان آنها را به اشتراک بگذارید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/consent.py" line="37" />
            <source>Type yes to run the tests, or anything else to stop: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برای اجرای آزمایش‌ها yes را تایپ کنید، یا هر چیز دیگری برای توقف: </translation>
        </message>
        <message>
            <location filename="../../desktop/byway/consent.py" line="46" />
            <source>yes</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="32" />
            <source>Something went wrong</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مشکلی پیش آمد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="36" />
            <source>Byway hit a problem it did not expect. Your connection settings are safe. If you report this, copy the text below: addresses and bridges have been removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی به مشکلی غیرمنتظره برخورد. تنظیمات اتصال شما امن است. اگر آن را گزارش می‌کنید، متن زیر را رونوشت کنید: نشانی‌ها و پل‌ها از آن حذف شده‌اند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="44" />
            <source>Problem report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش مشکل</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="45" />
            <source>Technical details, scrubbed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جزئیات فنی، پاک‌سازی‌شده</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="50" />
            <location filename="../../desktop/byway/ui/errors.py" line="51" />
            <source>Copy report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رونوشت گزارش</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="51" />
            <source>Copy the scrubbed report to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گزارش پاک‌سازی‌شده را در کلیپ‌بورد رونوشت کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="53" />
            <source>Close</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بستن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="53" />
            <source>Close this message</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این پیام را ببند</translation>
        </message>
    </context>
    <context>
        <name>Demo</name>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="111" />
            <source>Demo scenario {file}, {field}: {problem}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="117" />
            <source>expected a number from {low} to {high}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="126" />
            <source>expected some text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="135" />
            <source>{value} is not one of: {known}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="142" />
            <source>expected a [[site]] table</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="151" />
            <source>a blockpage needs an http:// address (HTTPS is reset instead)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="154" />
            <source>no file blockpages/{name}.html</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="169" />
            <source>expected a [[way]] table</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="184" />
            <source>a scenario needs at least one [[site]]</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="187" />
            <source>expected [[way]] tables</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="190" />
            <source>expected a [tor] table</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="220" />
            <source>There is no demo scenario called {name}. Known scenarios: {known}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="47" />
            <source>None of the ways in the plan could connect. Try again later, or add a private bridge in Settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="86" />
            <source>tor reported {reason} at {progress}%: this way is blocked here.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="94" />
            <source>No progress past {progress}% for a while: moving on to the next way.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DiagnosePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="21" />
            <source>Testing this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال آزمایش این شبکه</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="22" />
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="60" />
            <source>Getting ready...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال آماده شدن...</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="26" />
            <source>Test progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پیشرفت آزمایش</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="27" />
            <source>How many of the sites and Tor relays have been tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چند سایت و رلهٔ تور آزمایش شده‌اند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="32" />
            <source>Sites and relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سایت‌ها و رله‌ها</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="33" />
            <source>Each site and Tor relay being tested, and what was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر سایت و رلهٔ تور در حال آزمایش، و آنچه یافت شد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="35" />
            <source>What</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چه چیزی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="35" />
            <source>Result</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نتیجه</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="42" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">لغو</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="42" />
            <source>Stop the tests now; nothing more is sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌ها را همین حالا متوقف کن؛ دیگر چیزی فرستاده نمی‌شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="63" />
            <source>waiting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در انتظار</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="78" />
            <source>{done} of {total} tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{done} از {total} آزمایش شد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="81" />
            <source>testing...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال آزمایش...</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="90" />
            <source>Tor relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رله‌های تور</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="91" />
            <source>{ok} of {done} answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{ok} از {done} پاسخ می‌دهند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="101" />
            <source>blocked: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدود: {how}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="106" />
            <source>works</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">کار می‌کند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="108" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پاسخ</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="111" />
            <source>Seen so far: {techniques}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تا اینجا دیده شده: {techniques}</translation>
        </message>
    </context>
    <context>
        <name>GeneralTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="36" />
            <source>Language</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">زبان</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="36" />
            <source>The language of Byway's window and messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">زبان پنجره و پیام‌های بای‌وی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="39" />
            <source>Same as the system</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">همانند سیستم</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="40" />
            <source>Language:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">زبان:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="49" />
            <source>&amp;Forget everything...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فراموش کردن همه چیز...</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="51" />
            <source>Delete Byway's settings, saved bridges, passwords, Tor state and logs from this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات بای‌وی، پل‌های ذخیره‌شده، گذرواژه‌ها، وضعیت تور و گزارش‌ها را از این رایانه پاک کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="68" />
            <source>Secrets are kept in the system keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها در جاکلیدی سیستم نگه داشته می‌شوند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="70" />
            <source>Secrets are kept in Byway's own vault, protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها در گاوصندوق خود بای‌وی، محافظت‌شده با عبارت عبور، نگه داشته می‌شوند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="73" />
            <source>Secrets are kept only until Byway closes: no usable system keyring was found.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رازها فقط تا بسته شدن بای‌وی نگه داشته می‌شوند: جاکلیدی قابل استفاده‌ای در سیستم پیدا نشد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="77" />
            <source>Portable mode: everything stays in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت قابل حمل: همه چیز در {folder} می‌ماند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="79" />
            <source>Installed mode: settings are in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت نصب‌شده: تنظیمات در {folder} است.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="90" />
            <source>Restart Byway to use the new language.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برای استفاده از زبان تازه، بای‌وی را دوباره باز کنید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="95" />
            <source>Forget everything?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">همه چیز فراموش شود؟</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="97" />
            <source>This deletes Byway's settings, your saved bridges and passwords, Tor's state and the logs from this computer. It cannot be undone.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این کار تنظیمات بای‌وی، پل‌ها و گذرواژه‌های ذخیره‌شده، وضعیت تور و گزارش‌ها را از این رایانه پاک می‌کند. بازگشت‌پذیر نیست.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="103" />
            <source>Forget everything</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فراموش کردن همه چیز</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="112" />
            <source>Some things could not be deleted: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برخی چیزها پاک نشدند: {what}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="116" />
            <source>Everything Byway kept on this computer has been deleted.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر آنچه بای‌وی روی این رایانه نگه داشته بود پاک شد.</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="62" />
            <location filename="../../desktop/byway/ui/window.py" line="63" />
            <source>Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="122" />
            <source>&amp;Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="123" />
            <source>&amp;Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="129" />
            <source>&amp;Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">حالت نمایشی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="135" />
            <source>&amp;Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خروج</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="139" />
            <source>&amp;Help</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راهنما</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="140" />
            <source>&amp;Presenter's note</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">یادداشت ارائه‌دهنده</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="150" />
            <source>DEMO: simulated network ({name}). Nothing is sent anywhere.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایشی: شبکهٔ شبیه‌سازی‌شده ({name}). هیچ چیزی به جایی فرستاده نمی‌شود.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="152" />
            <source>Byway (demo)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی (نمایشی)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="177" />
            <source>Something unexpected went wrong. A report is shown in a separate window.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مشکلی غیرمنتظره پیش آمد. گزارشی در پنجره‌ای جداگانه نشان داده می‌شود.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="185" />
            <source>Tests stopped. Nothing more is being sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌ها متوقف شدند. دیگر چیزی فرستاده نمی‌شود.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/window.py" line="233" />
            <source>Working out the best way out...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال یافتن بهترین راه خروج...</translation>
        </message>
    </context>
    <context>
        <name>Moat</name>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="116" />
            <source>it is not JSON</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="118" />
            <source>it is nested too deeply</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="180" />
            <source>HTTP status {status}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="184" />
            <location filename="../../desktop/byway/transports/moat.py" line="189" />
            <source>it is too large</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="194" />
            <source>The bridge server could not be reached ({error}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="93" />
            <source>The bridge server did not understand the request.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="96" />
            <source>The bridge server knows no working transport of those asked for here.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="100" />
            <source>The bridge server could not tell which country you are in; choose it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="102" />
            <source>The bridge server refused the request's format.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="103" />
            <source>The answer to the picture was wrong; try a new one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="109" />
            <source>The bridge server's answer was refused: {what}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="123" />
            <source>an error without a code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="128" />
            <source>The bridge server answered with error {code}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="150" />
            <source>bridge lines are not a list of at most {n}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="154" />
            <source>a bridge line is not text</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="171" />
            <source>settings are not a short list</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="176" />
            <source>a setting has no bridges object</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="179" />
            <source>a setting has no transport type</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="199" />
            <source>there is no settings list</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="202" />
            <source>the country is not a two-letter code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="211" />
            <source>the country map is not an object of countries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="215" />
            <source>the country map has an entry that is not a country</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="223" />
            <source>the country list is not a list</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="225" />
            <source>the country list holds something that is not a country</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="233" />
            <source>the built-in bridge list is not an object</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="241" />
            <source>there is no data item</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="244" />
            <source>the data item is of the wrong type</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="253" />
            <source>the captcha image is missing or too large</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="259" />
            <source>the captcha challenge is missing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="263" />
            <source>the captcha image is not base64</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="265" />
            <source>the captcha image is empty</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="274" />
            <source>no usable bridge came back</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ProxyTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="19" />
            <source>Only if this network lets nothing out except through a proxy.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">فقط اگر این شبکه جز از طریق پراکسی اجازهٔ خروج نمی‌دهد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="22" />
            <source>Proxy type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نوع پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="22" />
            <source>The kind of proxy, or none</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نوع پراکسی، یا هیچ</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="23" />
            <source>No proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="25" />
            <source>Proxy host</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">میزبان پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="25" />
            <source>The proxy's host name or address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام میزبان یا نشانی پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="26" />
            <source>Proxy port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="26" />
            <source>The proxy's port, 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه پراکسی، از ۱ تا ۶۵۵۳۵</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="28" />
            <source>Proxy user name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام کاربری پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="28" />
            <source>Optional</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختیاری</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="29" />
            <source>Proxy password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گذرواژهٔ پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="29" />
            <source>Optional; kept as a secret</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختیاری؛ به صورت راز نگه داشته می‌شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="31" />
            <source>Type:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نوع:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="32" />
            <source>Host:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">میزبان:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="33" />
            <source>Port:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاه:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="34" />
            <source>User name:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام کاربری:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="35" />
            <source>Password:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">گذرواژه:</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="42" />
            <source>Save &amp;proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ذخیرهٔ پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="42" />
            <source>Use this proxy for every connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این پراکسی برای همهٔ اتصال‌ها استفاده شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="85" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ذخیره شد.</translation>
        </message>
    </context>
    <context>
        <name>Resources</name>
        <message>
            <location filename="../../desktop/byway/resources.py" line="49" />
            <source>Byway's resources folder was not found near {place}; set {variable} to its location</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="20" />
            <source>What this network does</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">این شبکه چه می‌کند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="27" />
            <source>Overview by technique and site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمای کلی بر اساس روش و سایت</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="28" />
            <source>One row per site, one column per network layer; each cell says what was seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر سطر یک سایت، هر ستون یک لایهٔ شبکه؛ هر خانه می‌گوید چه دیده شد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="35" />
            <location filename="../../desktop/byway/ui/pages/results.py" line="38" />
            <location filename="../../desktop/byway/ui/pages/results.py" line="62" />
            <source>Show details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایش جزئیات</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="36" />
            <source>Show or hide the evidence behind each finding</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شواهد پشت هر یافته را نشان بده یا پنهان کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="45" />
            <source>Details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">جزئیات</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="46" />
            <source>Every finding with its evidence, in plain words</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">هر یافته با شواهدش، به زبان ساده</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="50" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش دوباره</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="50" />
            <source>Run the tests once more</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش‌ها را یک بار دیگر اجرا کن</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="53" />
            <source>See the &amp;way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">دیدن راه خروج</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="53" />
            <source>Show the ways out that should work here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راه‌های خروجی که اینجا باید کار کنند را نشان بده</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="62" />
            <source>Hide details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پنهان کردن جزئیات</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="76" />
            <source>Site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سایت</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="86" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پاسخ</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="88" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سالم</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="95" />
            <source>Nothing to report.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">چیزی برای گزارش نیست.</translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="44" />
            <source>Enter the proxy's host name or address, without spaces.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نام میزبان یا نشانی پراکسی را بدون فاصله وارد کنید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="46" />
            <source>Enter a port from 1 to 65535.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">درگاهی از ۱ تا ۶۵۵۳۵ وارد کنید.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="48" />
            <source>SOCKS4 proxies take no user name or password.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پراکسی‌های SOCKS4 نام کاربری و گذرواژه نمی‌پذیرند.</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="128" />
            <source>Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تنظیمات</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="129" />
            <location filename="../../desktop/byway/ui/pages/settings.py" line="137" />
            <source>Settings sections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بخش‌های تنظیمات</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="129" />
            <source>Bridges, proxy, and general</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌ها، پراکسی و عمومی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="133" />
            <source>&amp;Bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌ها</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="134" />
            <source>Pro&amp;xy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پراکسی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="135" />
            <source>&amp;General</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">عمومی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="137" />
            <source>Choose a section with the arrow keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">با کلیدهای جهت‌نما یک بخش را انتخاب کنید</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="139" />
            <source>D&amp;one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تمام</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="139" />
            <source>Close the settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بستن تنظیمات</translation>
        </message>
    </context>
    <context>
        <name>Store</name>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="24" />
            <source>the drive is read-only</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="26" />
            <source>the folder is gone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="28" />
            <source>permission was refused</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="30" />
            <source>the drive is full</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="31" />
            <source>Byway cannot save to {path}: {detail}. Nothing saved earlier was lost. If Byway runs from a removable drive, check that it is plugged in and not write-protected.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="62" />
            <source>No system keyring was found on this computer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="64" />
            <source>The system keyring is locked and could not be unlocked.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="66" />
            <source>The system keyring refused to store Byway's secrets.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="68" />
            <source>The only keyring available stores secrets unencrypted in a file, so Byway will not use it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="72" />
            <source>The system keyring did not answer correctly.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="85" />
            <source>You can keep secrets only until Byway closes, or in Byway's own vault file protected by a passphrase.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="100" />
            <source>The passphrase is not correct for this vault.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="108" />
            <source>The vault file {path} is damaged or was altered ({detail}). Byway will not use its contents.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/locations.py" line="71" />
            <location filename="../../desktop/byway/store/settings.py" line="248" />
            <source>the portable folder is gone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/settings.py" line="206" />
            <source>Your settings were saved by a different version of Byway and cannot be read. They were kept as {moved_to}; Byway starts with default settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/settings.py" line="211" />
            <source>Your settings file was damaged and cannot be read. It was kept as {moved_to}; Byway starts with default settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="124" />
            <source>not a Byway vault</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="127" />
            <source>unknown vault version</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="129" />
            <source>the file is truncated</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="133" />
            <source>the header was changed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="137" />
            <source>the header is not valid</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="192" />
            <source>the encrypted contents were changed</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Targets</name>
        <message>
            <location filename="../../desktop/byway/targets.py" line="40" />
            <source>Only http:// and https:// addresses can be tested: {url}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/targets.py" line="47" />
            <source>This is not a web address: {url}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/targets.py" line="59" />
            <source>Cannot read the target file {path}: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/targets.py" line="70" />
            <source>{path}, line {number}: {problem}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Tor</name>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="17" />
            <source>Tor could not connect.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="20" />
            <source>Try another way out, or try again later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="35" />
            <source>A setting for Tor was refused ({key}: {why}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="40" />
            <source>Check the bridge lines and proxy you entered.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="51" />
            <source>The Tor program was not found on this computer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="55" />
            <source>Install Tor (the 'tor' package), or use the portable Byway that carries it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="67" />
            <source>Tor stopped unexpectedly (exit status {code}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="71" />
            <source>Try connecting again; if it keeps happening, save a report and share it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="85" />
            <source>Tor got stuck at {progress}% ({tag}): the bridge or relay could not be reached. This network probably blocks it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="91" />
            <source>Tor got stuck at {progress}% ({tag}) while handshaking: the connection was reached but then disturbed, which is how deep packet inspection of this transport looks.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="97" />
            <source>Tor got stuck at {progress}% ({tag}) while loading the network's directory.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="105" />
            <source>Try another bridge or another transport (snowflake, meek, webtunnel).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="106" />
            <source>Check that the computer's date, time and time zone are right, then retry.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="120" />
            <source>Connections to Tor were refused at once: this network actively blocks them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="123" />
            <source>Connections to Tor were cut off (reset): this network interferes with them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="126" />
            <source>Connections to Tor timed out: this network silently drops them, or is very slow.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="129" />
            <source>There is no route to the Tor network: this computer may be offline, or it is blocked.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="135" />
            <source>Tor could not reach the network ({reason}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="140" />
            <source>Check that this computer is online, then try a bridge.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="141" />
            <source>Use a bridge with a transport such as obfs4, snowflake or meek.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="153" />
            <source>The program that carries the {transport} transport could not run.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="158" />
            <source>Install obfs4proxy or lyrebird (and snowflake-client for snowflake), or pick another way.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="172" />
            <source>This computer's clock is off by about {minutes} minutes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="177" />
            <source>Set the right date, time and time zone, then connect again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="189" />
            <source>Tor could not connect through the proxy {proxy}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="192" />
            <source>Check the proxy's address, port, user name and password, or remove it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="204" />
            <source>There was nothing to try: the plan had no usable way out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="206" />
            <source>None of the ways out worked.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="211" />
            <source>Install a transport, or add a bridge you got from a friend.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="52" />
            <source>Tor stopped unexpectedly.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="54" />
            <source>The transport program that carries the connection stopped.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="69" />
            <source>Reconnecting…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="85" />
            <source>Reconnected; the SOCKS address is {socks}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="91" />
            <source>The connection was lost.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/strategy.py" line="236" />
            <source>Another way connected first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="66" />
            <location filename="../../desktop/byway/tor/torrc.py" line="142" />
            <source>the port must be from 1 to 65535</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="68" />
            <source>a SOCKS4 proxy cannot take a password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="70" />
            <source>SOCKS5 user names and passwords stop at 255</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="72" />
            <source>an HTTP user name cannot contain ':'</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="96" />
            <source>expected a proxy like socks5://host:1080 or http://user:password@host:8080</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="139" />
            <source>not a directory authority</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="163" />
            <source>a test network needs authorities</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="262" />
            <source>not an option name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="279" />
            <source>a control character</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="287" />
            <source>not a host name or IP address</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Transports</name>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="133" />
            <source>{path} is not a regular file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="135" />
            <source>{path} is not executable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="193" />
            <location filename="../../desktop/byway/transports/managed_pt.py" line="222" />
            <source>{path} could not be started ({error})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="144" />
            <source>the transport program exited before it was ready</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="149" />
            <source>unsupported managed-mode version</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="152" />
            <source>the transport program refused: {detail}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="163" />
            <source>the transport program does not offer {names}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="169" />
            <source>the upstream proxy was not accepted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="234" />
            <source>the transport program did not get ready in time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="267" />
            <source>the SOCKS proxy refused to log in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="275" />
            <source>the transport refused the bridge arguments</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="283" />
            <source>the transport could not connect: {word}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="178" />
            <source>{first} or {second}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="197" />
            <source>{transport} needs tor, which was not found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="202" />
            <source>plain bridges need only tor ({tor} at {path})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="208" />
            <source>{transport} is carried by {program} at {path}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="218" />
            <source>{transport} needs {needed}; only {found} was found, which does not support it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="227" />
            <source>{transport} needs {needed}, which was not found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="238" />
            <source>{reason} ({detail})</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="25" />
            <source>Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="27" />
            <source>Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">قطع اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="29" />
            <source>Show Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نمایش بای‌وی</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="32" />
            <source>Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خروج</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="43" />
            <source>Byway: not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی: وصل نیست</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="44" />
            <source>Byway: testing the network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی: در حال آزمایش شبکه</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="45" />
            <source>Byway: connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی: در حال اتصال</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="46" />
            <source>Byway: connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی: وصل است</translation>
        </message>
    </context>
    <context>
        <name>Ui</name>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="82" />
            <source>{what} is not available in this build of Byway ({detail}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{what} در این نسخهٔ بای‌وی در دسترس نیست ({detail}).</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="128" />
            <source>Advice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">توصیه</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="138" />
            <location filename="../../desktop/byway/ui/ports.py" line="142" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال</translation>
        </message>
    </context>
    <context>
        <name>WelcomePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="18" />
            <source>Find a way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">راهی به بیرون پیدا کنید</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="21" />
            <source>Byway tests what this network blocks, explains it in plain words, recommends the way out most likely to work, and connects you through Tor.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بای‌وی آزمایش می‌کند که این شبکه چه چیزهایی را مسدود می‌کند، آن را به زبان ساده توضیح می‌دهد، راه خروجی را که به احتمال زیاد کار می‌کند پیشنهاد می‌دهد، و شما را از طریق تور وصل می‌کند.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="29" />
            <source>I understand, and I want to run the tests</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">متوجه هستم و می‌خواهم آزمایش‌ها اجرا شوند</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="30" />
            <source>Consent to testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">رضایت به آزمایش</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="31" />
            <source>Tick to agree to the tests described above; nothing is tested without it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برای موافقت با آزمایش‌های بالا تیک بزنید؛ بدون آن هیچ چیز آزمایش نمی‌شود</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="40" />
            <source>Connect without testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال بدون آزمایش</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="41" />
            <source>Skip the network test and go straight to the recommended ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">از آزمایش شبکه بگذر و مستقیم به راه‌های خروج پیشنهادی برو</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="45" />
            <source>&amp;Test this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش این شبکه</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="46" />
            <source>Start testing which sites and which ways to Tor this network blocks</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش کن که این شبکه کدام سایت‌ها و کدام راه‌های رسیدن به تور را مسدود می‌کند</translation>
        </message>
    </context>
    <context>
        <name>Words</name>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="16" />
            <source>Plain Tor (no bridge)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور ساده (بدون پل)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="17" />
            <source>obfs4 bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های obfs4</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="18" />
            <source>Snowflake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اسنوفلیک (Snowflake)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="19" />
            <source>meek (through a cloud provider)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek (از طریق یک ارائه‌دهندهٔ ابری)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="20" />
            <source>WebTunnel bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های WebTunnel</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="21" />
            <source>Conjure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conjure</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="22" />
            <source>Plain bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های ساده</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="23" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پل‌های خودتان</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="31" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال راه‌اندازی تور</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="32" />
            <source>Starting the bridge's transport</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال راه‌اندازی انتقال پل</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="33" />
            <source>Reaching the bridge</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال رسیدن به پل</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="34" />
            <source>Connecting to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال به پراکسی شما</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="35" />
            <source>Connected to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به پراکسی شما وصل شد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="36" />
            <source>Connecting to the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال اتصال به شبکهٔ تور</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="37" />
            <source>Connected to a first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به نخستین رله وصل شد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="38" />
            <source>Greeting the first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال دست‌دادن با نخستین رله</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="39" />
            <source>The first relay answered</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نخستین رله پاسخ داد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="40" />
            <source>Opening an encrypted directory connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال باز کردن اتصال رمزنگاری‌شده به فهرست</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="41" />
            <source>Asking for the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال درخواست فهرست رله‌ها</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="42" />
            <source>Loading the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بارگیری فهرست رله‌ها</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="43" />
            <source>Loading the directory keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بارگیری کلیدهای فهرست</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="44" />
            <source>Asking for relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال درخواست جزئیات رله‌ها</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="45" />
            <source>Loading relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال بارگیری جزئیات رله‌ها</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="46" />
            <source>Enough is known to build a path</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اطلاعات کافی برای ساختن مسیر به دست آمد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="47" />
            <location filename="../../desktop/byway/ui/words.py" line="48" />
            <location filename="../../desktop/byway/ui/words.py" line="55" />
            <source>Building a path through Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال ساختن مسیری از میان تور</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="49" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">وصل شد</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="54" />
            <source>Learning about the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در حال شناختن شبکهٔ تور</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="61" />
            <source>The bridge or relay could not be reached: it is probably blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">به پل یا رله نمی‌توان رسید: احتمالاً اینجا مسدود است.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="65" />
            <source>The connection was cut during the handshake: this network may recognise this way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال هنگام دست‌دادن قطع شد: شاید این شبکه این راه را می‌شناسد.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="68" />
            <source>Tor stopped while loading the directory: check that your computer's clock is right.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور هنگام بارگیری فهرست متوقف شد: درست بودن ساعت رایانه را بررسی کنید.</translation>
        </message>
    </context>
    <context>
        <name>window</name>
        <message>
            <location filename="../../desktop/byway/ui/app.py" line="84" />
            <source>Demo mode</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Findings</name>
        <message>
            <source>HTTP failure: fetching {subject} failed ({failure}); the control fetched it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after a trigger</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>We found no sign of censorship on this network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">نشانه‌ای از سانسور در این شبکه پیدا نکردیم.</translation>
        </message>
        <message>
            <source>NXDOMAIN (no such name)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>SERVFAIL (server failure)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>REFUSED</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">بدون پاسخ</translation>
        </message>
        <message>
            <source>a bogon address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>timeout</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>reset</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>refused</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>connection closed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>host unreachable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>certificate for another name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>certificate from an unknown authority</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>invalid certificate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>failed handshake</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>success</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the ISP resolver</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>nothing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>country unknown</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>HTTP diff: the page for {subject} differs from the control's (status {status} vs {control_status}, {proportion}); no known blockpage</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Site down: {subject} fails from outside too ({failure}); this is not censorship</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DNS blocking</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">مسدودسازی DNS</translation>
        </message>
        <message>
            <source>DNS injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق DNS</translation>
        </message>
        <message>
            <source>encrypted DNS blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS رمزنگاری‌شده مسدود</translation>
        </message>
        <message>
            <source>IP black hole</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سیاه‌چالهٔ IP</translation>
        </message>
        <message>
            <source>TCP reset injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تزریق بازنشانی TCP</translation>
        </message>
        <message>
            <source>TLS SNI filtering</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">پالایش SNI در TLS</translation>
        </message>
        <message>
            <source>TLS interference</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اختلال در TLS</translation>
        </message>
        <message>
            <source>HTTP blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">صفحهٔ مسدودسازی HTTP</translation>
        </message>
        <message>
            <source>HTTP diff</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تفاوت HTTP</translation>
        </message>
        <message>
            <source>HTTP failure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">خطای HTTP</translation>
        </message>
        <message>
            <source>site down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">سایت از کار افتاده</translation>
        </message>
        <message>
            <source>not tested (pacing)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">آزمایش نشد (فاصله‌گذاری)</translation>
        </message>
        <message>
            <source>No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays. This looks like a shutdown or an outage, not censorship of particular sites.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اینترنت نیست: هیچ چیز پاسخ نداد، حتی سایت‌های خارجی، DNS رمزنگاری‌شده یا رله‌های تور. این به قطعی کامل یا خرابی شبیه است، نه سانسور سایت‌هایی خاص.</translation>
        </message>
        <message>
            <source>tampers with DNS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در DNS دست می‌برد</translation>
        </message>
        <message>
            <source>blocks some addresses</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">برخی نشانی‌ها را مسدود می‌کند</translation>
        </message>
        <message>
            <source>tampers with web pages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در صفحه‌های وب دست می‌برد</translation>
        </message>
        <message>
            <source>We found no censorship of the sites tested, but some Tor relays could not be reached.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Tor: directory authorities not tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور: مراجع فهرست آزمایش نشدند</translation>
        </message>
        <message>
            <source>Tor: all {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور: هر {tested} مرجع فهرست پاسخ می‌دهند</translation>
        </message>
        <message>
            <source>Tor: {reachable} of {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور: {reachable} از {tested} مرجع فهرست پاسخ می‌دهند</translation>
        </message>
        <message>
            <source>Tor: blocked by address: none of {tested} directory authorities accepts a connection, while websites work</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور: بر اساس نشانی مسدود است: هیچ‌یک از {tested} مرجع فهرست اتصال را نمی‌پذیرد، در حالی که وب‌سایت‌ها کار می‌کنند</translation>
        </message>
        <message>
            <source>Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake completes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور: مسدود است: اتصال به {tested} مرجع فهرست باز می‌شود، اما هیچ دست‌دادن TLS کامل نمی‌شود</translation>
        </message>
        <message>
            <source>Tor: no directory authority answers, like everything else</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور: هیچ مرجع فهرستی پاسخ نمی‌دهد، مانند همه چیز دیگر</translation>
        </message>
        <message>
            <source>the resolver {resolver}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake without a name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake for a benign name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure}; the control's handshake validates</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TLS interference: every handshake with {endpoint} for {subject} ends in {failure}, though TCP connects</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>length not compared</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>IP black hole: connecting to {endpoint} times out; the control connects</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>IP blocking: connecting to {endpoint} fails ({failure}); the control connects</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TCP reset injection: the connection for {subject} was reset after the request was sent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>TCP reset injection: the connection to {endpoint} was {failure}; the control connects</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{first} and {last}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} و {last}</translation>
        </message>
        <message>
            <source>blocks Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">تور را مسدود می‌کند</translation>
        </message>
        <message>
            <source>filters encrypted connections by name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">اتصال‌های رمزنگاری‌شده را بر اساس نام پالایش می‌کند</translation>
        </message>
        <message>
            <source>interferes with encrypted connections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">در اتصال‌های رمزنگاری‌شده اختلال ایجاد می‌کند</translation>
        </message>
        <message>
            <source>{layer}: interfered with: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: دست‌کاری شده: {how}</translation>
        </message>
        <message>
            <source>the encrypted resolver {resolver}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late}; an injector raced the genuine resolver</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your network {actions}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">شبکهٔ شما {actions}.</translation>
        </message>
        <message>
            <source>{layer}: no interference seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: اختلالی دیده نشد</translation>
        </message>
        <message>
            <source>DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DNS injection: {resolver} answered {addresses} for {subject}; the control found {control}, on another network</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{percent}% of its length</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{technique} ({count} of {total} targets)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{technique} ({count} از {total} هدف)</translation>
        </message>
    </context>
    <context>
        <name>Report</name>
        <message>
            <source>cannot tell (the control did not answer)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>blocked (DNS)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>blocked (TCP/IP)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>blocked (connection failed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>blocked (page replaced)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Byway network report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Targets</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>accessible</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>down everywhere (not censorship)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Targets: {total} tested, {blocked} blocked, {down} down everywhere</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{url}: {status}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Measured {when} UTC, in {seconds} s</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Probes not sent, to avoid residual blocking from earlier probes: {count}</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>