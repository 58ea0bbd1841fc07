<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
    <!-- Byway translation. The translations in this file were machine-drafted and await review by a native speaker: every message still marked unfinished is such a draft. Keep Tor, obfs4, Snowflake, meek, VPN, DNS and SOCKS in Latin script, and every {placeholder} exactly. -->
    <context>
        <name>Advice</name>
        <message>
            <location filename="../../desktop/byway/advise.py" line="+146" />
            <source>the Tor relays answered a handshake from here in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 中继在 {ms} ms 内响应了从这里发起的握手</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Tor's own handshake is blocked here (connections open, then stall)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这里封锁了 Tor 本身的握手（连接能建立，随后卡住）</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the Tor relays are blocked by address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 中继被按地址封锁</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">诊断期间 Tor 中继有响应</translation>
        </message>
        <message>
            <location line="+2" />
            <source>only some Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">诊断期间只有部分 Tor 中继有响应</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the Tor Project's advice for this country is that no bridge is needed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">根据 Tor Project 的建议，这个国家不需要网桥</translation>
        </message>
        <message>
            <location line="+3" />
            <source>bridges are usually needed in this country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这个国家通常需要网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain Tor is the fastest way when it is not blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">在未被封锁时，直接连接 Tor 是最快的方式</translation>
        </message>
        <message>
            <location line="+22" />
            <source>handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">握手</translation>
        </message>
        <message>
            <location line="+2" />
            <source>connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{name} bridge {n} completed a {what} in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} 网桥 {n} 在 {ms} ms 内完成了{what}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{count} that did not answer were left out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已略去 {count} 个没有响应的</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+11" />
            <source>obfs4 bridges can be reached, but their handshakes were reset or stalled</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">可以连到 obfs4 网桥，但它们的握手被重置或卡住了</translation>
        </message>
        <message>
            <location line="-7" />
            <source>none of these {name} bridges could be reached from here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">从这里无法连到这些 {name} 网桥中的任何一个</translation>
        </message>
        <message>
            <location line="+33" />
            <source>these are your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这些是你自己的网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 网桥会隐藏 Tor 流量，而且不在公开的中继列表上</translation>
        </message>
        <message>
            <location line="+1" />
            <source>snowflake looks like a video call and changes proxies often</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake 看起来像视频通话，并且经常更换代理</translation>
        </message>
        <message>
            <location line="+1" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek 经由大型云服务商中转，很难被封锁；但速度慢</translation>
        </message>
        <message>
            <location line="+3" />
            <source>webtunnel looks like an ordinary visit to a website</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">webtunnel 看起来像普通的网站访问</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain bridges are not on public relay lists, but look like Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">普通网桥不在公开的中继列表上，但看起来像 Tor</translation>
        </message>
        <message>
            <location line="+3" />
            <source>conjure hides among unused addresses of a friendly network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">conjure 隐藏在友好网络的闲置地址之中</translation>
        </message>
        <message>
            <location line="+6" />
            <source>this network seems to recognise Tor-like traffic; {name} looks like the web</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这个网络似乎能识别类似 Tor 的流量；{name} 看起来像普通网页流量</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the Tor Project's bridge service recommends it for your network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project 的网桥服务为你的网络推荐它</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the saved advice for {country} recommends it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">为 {country} 保存的建议推荐它</translation>
        </message>
        <message>
            <location line="+45" />
            <source>no program for these bridges was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有找到这些网桥所需的程序</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the program for {name} was not looked for</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有查找 {name} 所需的程序</translation>
        </message>
        <message>
            <location line="+23" />
            <source>this worked on this network last time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">上次在这个网络上它成功了</translation>
        </message>
        <message>
            <location line="+34" />
            <source>Nothing can be tried on this computer: the programs needed are missing.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这台电脑上无法尝试任何方式：缺少所需的程序。</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is the backup</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} 作为备用</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{first}; {next}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first}；{next}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{summary}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{summary}。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network, not even sites that are never blocked: this is a shutdown, not a block. No way out can work until the connection comes back.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这个网络无法连到外界，连从不被封锁的网站也不行：这是断网，不是封锁。在连接恢复之前，任何出路都无法使用。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="+25" />
            <source>The Tor relays did not answer in the test, so plain Tor will probably fail.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测试中 Tor 中继没有响应，所以直接连接 Tor 很可能会失败。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The Tor relays answered in the test: plain Tor is the fastest way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测试中 Tor 中继有响应：直接连接 Tor 是最快的方式。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>This network inspects Tor's handshake; obfs4 may be recognised as well.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这个网络会检查 Tor 的握手；obfs4 也可能被识别。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 网桥会隐藏 Tor 流量，而且不在公开的中继列表上。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Snowflake looks like a video call and changes proxies often.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake 看起来像视频通话，并且经常更换代理。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek 经由大型云服务商中转，很难被封锁；但速度慢。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network: this looks like a shutdown. No way out can work now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这个网络无法连到外界：看起来是断网。目前任何出路都无法使用。</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tor's own handshake is blocked here: start with snowflake, which looks like a video call.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这里封锁了 Tor 本身的握手：请先用 Snowflake，它看起来像视频通话。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor's public relays are blocked by address: start with obfs4 bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 的公开中继被按地址封锁：请先用 obfs4 网桥。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor's relays answered: plain Tor first, with bridges as a fallback.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 中继有响应：先直接连接 Tor，网桥作为备用。</translation>
        </message>
    </context>
    <context>
        <name>AdvicePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="+24" />
            <source>The way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">出路</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway tries these in order. Untick a way to skip it, or move it up or down.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 会按顺序尝试这些方式。取消勾选可跳过某种方式，也可以把它上移或下移。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Ways out, best first</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">出路，最佳的在前</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each way out with the reasons for its place; tick or untick with Space</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">每种出路及其排序理由；按空格键勾选或取消勾选</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Move &amp;up</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">上移(&amp;U)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way earlier</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">更早尝试所选方式</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move &amp;down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">下移(&amp;D)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way later</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">更晚尝试所选方式</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再测一次(&amp;A)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the network tests again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">重新运行网络测试</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接(&amp;C)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Connect through Tor, trying the ways in this order</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">通过 Tor 连接，按此顺序尝试各种方式</translation>
        </message>
        <message>
            <location line="+30" />
            <source>not available on this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这台电脑上不可用</translation>
        </message>
    </context>
    <context>
        <name>BridgeLine</name>
        <message>
            <location filename="../../desktop/byway/transports/bridge_errors.py" line="+63" />
            <source>line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">第 {number} 行：{problem}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="+99" />
            <source>the address must be an IP address and a port, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">地址必须是 IP 地址加端口，例如 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+8" />
            <source>IPv6 addresses must be written in brackets, like [2001:db8::1]:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IPv6 地址必须写在方括号中，例如 [2001:db8::1]:443</translation>
        </message>
        <message>
            <location line="+24" />
            <source>the address is not a valid IPv4 or IPv6 address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">该地址不是有效的 IPv4 或 IPv6 地址</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the port must be a number from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">端口必须是 1 到 65535 之间的数字</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the fingerprint must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">指纹（fingerprint）必须是文本</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{transport} bridges need a fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} 网桥在地址后需要一个指纹（fingerprint）</translation>
        </message>
        <message>
            <location line="+37" />
            <source>arguments must be pairs of text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">参数必须是成对的文本</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the argument {key} appears more than once</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">参数 {key} 出现了不止一次</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a plain bridge has only an address and a fingerprint; found {key}=...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">普通网桥只有地址和指纹；发现了 {key}=...</translation>
        </message>
        <message>
            <location line="+8" />
            <source>{transport} bridges need the argument {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} 网桥需要参数 {key}=</translation>
        </message>
        <message>
            <location line="+18" />
            <source>an obfs4 bridge takes only cert= and iat-mode=; found {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 网桥只接受 cert= 和 iat-mode=；发现了 {key}=</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the fingerprint= argument differs from the fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fingerprint= 参数与地址后的指纹不一致</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is not a transport Byway knows; expected one of: {known}, or a plain IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} 不是 Byway 认识的传输方式；应为以下之一：{known}，或普通的 IP:端口</translation>
        </message>
        <message>
            <location line="+18" />
            <source>a bridge line must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行必须是文本</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the bridge line is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行是空的</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the bridge line needs an address, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行需要一个地址，例如 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+18" />
            <source>unexpected text {text}; after the address only key=value arguments may follow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">意外的文本 {text}；地址后面只能跟 键=值 形式的参数</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="+70" />
            <source>the bridge line is {length} characters long; the limit is {limit}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行长 {length} 个字符；上限是 {limit}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the bridge line contains '#' at position {position}; it is not allowed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行在第 {position} 个位置包含 '#'；这是不允许的</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the bridge line contains a control character ({codepoint}) at position {position}; a bridge line is a single line of plain text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行在第 {position} 个位置包含控制字符（{codepoint}）；网桥行是单行纯文本</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the bridge line contains a character that is not plain ASCII ({codepoint}) at position {position}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行在第 {position} 个位置包含非纯 ASCII 字符（{codepoint}）</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the fingerprint must be 40 hexadecimal characters; got {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">指纹必须是 40 个十六进制字符；实际为 {count} 个</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the fingerprint must contain only hexadecimal characters (0-9, A-F)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">指纹只能包含十六进制字符（0-9、A-F）</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the argument name {key} is not allowed; names use only letters, digits, '_' and '-'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">参数名 {key} 不允许；参数名只能使用字母、数字、'_' 和 '-'</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the argument {key} has no value</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">参数 {key} 没有值</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} contains characters that are not allowed (letters, digits and . _ , : + / = - only)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} 的值包含不允许的字符（只允许字母、数字和 . _ , : + / = -）</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the value of {key} contains characters that are not allowed in a URL</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} 的值包含 URL 中不允许的字符</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the value of {key} must be an http or https address with a host name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} 的值必须是带主机名的 http 或 https 地址</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} must not contain a user name or password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} 的值不得包含用户名或密码</translation>
        </message>
        <message>
            <location line="+22" />
            <source>the obfs4 cert must be 70 characters of base64 without '=' padding; got {count} characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 的 cert 必须是 70 个 base64 字符，且不带 '=' 填充；实际为 {count} 个字符</translation>
        </message>
        <message>
            <location line="+13" />
            <source>the obfs4 cert does not decode to a valid 52-byte certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 的 cert 无法解码为有效的 52 字节证书</translation>
        </message>
        <message>
            <location line="+9" />
            <source>iat-mode must be 0, 1 or 2; got {value}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">iat-mode 必须是 0、1 或 2；实际为 {value}</translation>
        </message>
    </context>
    <context>
        <name>BridgesTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="+36" />
            <source>Built-in bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">内置网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Which of the bridges that come with Byway to use</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">使用 Byway 自带的哪种网桥</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Choose for me</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">帮我选择</translation>
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
            <translation type="unfinished">无</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Built-in bridges:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">内置网桥：</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Request bridges...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请求网桥(&amp;R)...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Ask the Tor Project for private bridges, after solving a captcha</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">完成验证码（captcha）后，向 Tor Project 请求私有网桥</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Your own bridges, one per line:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你自己的网桥，每行一个：</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你自己的网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Paste bridge lines here, one per line; each line is checked as you type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">在此粘贴网桥行，每行一个；输入时会逐行检查</translation>
        </message>
        <message>
            <location line="+9" />
            <source>&amp;Save bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保存网桥(&amp;S)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep these bridges for the next connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保留这些网桥供下次连接使用</translation>
        </message>
        <message>
            <location line="+23" />
            <source>{count} private bridges from the Tor Project are kept as secrets and used first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">来自 Tor Project 的 {count} 个私有网桥作为机密信息保存，并会优先使用。</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已保存。</translation>
        </message>
    </context>
    <context>
        <name>Catalog</name>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="+130" />
            <source>the bridge list is not in the expected format: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥列表的格式不符合预期：{what}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>a bridge kind name is not a short lowercase word</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">某个网桥类型名不是简短的小写单词</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridges of kind {kind} are not a list of at most {limit} lines</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{kind} 类型的网桥不是最多 {limit} 行的列表</translation>
        </message>
        <message>
            <location line="+6" />
            <source>bridges of kind {kind} are not supported</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不支持 {kind} 类型的网桥</translation>
        </message>
        <message>
            <location line="+6" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">某个网桥行不是文本</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a {transport} bridge is listed under {kind}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">一个 {transport} 网桥被列在 {kind} 下</translation>
        </message>
        <message>
            <location line="+16" />
            <source>the document is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">该文档不是 JSON 对象</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no "bridges" object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有 "bridges" 对象</translation>
        </message>
        <message>
            <location line="+3" />
            <source>recommendedDefault is not a bridge kind name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">recommendedDefault 不是网桥类型名</translation>
        </message>
        <message>
            <location line="+9" />
            <source>pluggableTransports is not a set of single-line templates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">pluggableTransports 不是一组单行模板</translation>
        </message>
        <message>
            <location line="+34" />
            <source>the Moat answer is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat 的回答不是 JSON 对象</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the bridge server answered with an error</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器返回了错误</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridge server sent no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器没有发送可用的网桥</translation>
        </message>
        <message>
            <location line="+28" />
            <location line="+3" />
            <source>the saved list has no date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保存的列表没有日期</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the saved list has no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保存的列表没有可用的网桥</translation>
        </message>
    </context>
    <context>
        <name>Cli</name>
        <message>
            <location filename="../../desktop/byway/cli.py" line="+26" />
            <source>Find out what this network blocks, learn which way out should work, and connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">查明这个网络封锁了什么，了解哪条出路应该可行，然后连接。</translation>
        </message>
        <message>
            <location line="+9" />
            <source>keep everything (settings, secrets, tor state) under DIR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">把所有内容（设置、机密信息、Tor 状态）保存在 DIR 下</translation>
        </message>
        <message>
            <location line="+6" />
            <source>check this copy of Byway (window, demo diagnosis, bundled tor and transports) and exit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">检查这份 Byway（窗口、演示诊断、自带的 tor 和传输方式），然后退出</translation>
        </message>
        <message>
            <location line="+7" />
            <source>run the desktop app against a simulated network (no traffic at all): iran-2022, china-gfw, russia-2022, shutdown, or a scenario .toml file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">在模拟网络上运行桌面应用（完全不产生流量）：iran-2022、china-gfw、russia-2022、shutdown，或一个场景 .toml 文件</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Cannot use {path} as the portable folder: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法将 {path} 用作便携文件夹：{reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges_args.py" line="+23" />
            <source>list, check, add and remove bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">列出、检查、添加和移除网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in and your own bridges: list them, check which transports work here, add, remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">内置网桥和你自己的网桥：列出它们，检查哪些传输方式在这里可用，添加，移除。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>same as 'byway bridges check'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">与 'byway bridges check' 相同</translation>
        </message>
        <message>
            <location line="+5" />
            <source>show built-in and your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">显示内置网桥和你自己的网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>show your bridges in full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">完整显示你的网桥</translation>
        </message>
        <message>
            <location line="+2" />
            <source>which transports can run here, and why</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">哪些传输方式可以在这里运行，以及原因</translation>
        </message>
        <message>
            <location line="+4" />
            <source>also pre-check the Tor network and the bridges from this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">同时从这个网络预先检查 Tor 网络和网桥</translation>
        </message>
        <message>
            <location line="+2" />
            <source>seconds per check</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">每次检查的秒数</translation>
        </message>
        <message>
            <location line="+2" />
            <source>add your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">添加你自己的网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bridge line (quote it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">一行网桥（请加引号）</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not store the bridges; use them only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不保存网桥；只在本次会话中使用</translation>
        </message>
        <message>
            <location line="+3" />
            <source>remove one of your bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">移除你的一个网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>its id from 'list' or its line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">它在 'list' 中的 ID，或它的那一行</translation>
        </message>
        <message>
            <location line="+2" />
            <source>fetch fresh built-in bridges from Moat</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">从 Moat 获取新的内置网桥</translation>
        </message>
        <message>
            <location line="+5" />
            <source>reach Moat through meek domain fronting (when it is blocked)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">通过 meek 域前置（domain fronting）访问 Moat（当它被封锁时）</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="+44" />
            <source>Passphrase of Byway's vault: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 保险库的密码短语： </translation>
        </message>
        <message>
            <location line="+3" />
            <source>The vault needs its passphrase (or set {name}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保险库需要它的密码短语（或设置 {name}）。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>unknown date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">日期未知</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in bridges ({source}, as of {date}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">内置网桥（{source}，截至 {date}）：</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Your bridges: none.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你的网桥：无。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your bridges ({count}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你的网桥（{count}）：</translation>
        </message>
        <message>
            <location line="+4" />
            <source>(addresses hidden; add --show to see them)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">（地址已隐藏；加上 --show 可查看）</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Line {n}: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">第 {n} 行：{error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Nothing was added: correct the lines above.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有添加任何内容：请修正上面的行。</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{count} bridges checked; kept only for this session, nothing was stored.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已检查 {count} 个网桥；只在本次会话中保留，没有保存任何内容。</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Added {added} bridges ({total} in all), kept in: {where}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已添加 {added} 个网桥（共 {total} 个），保存在：{where}。</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You have no bridges of your own to remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你没有可以移除的自有网桥。</translation>
        </message>
        <message>
            <location line="+10" />
            <source>No bridge of yours matches {which}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你的网桥中没有与 {which} 匹配的。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Removed {id}; {count} left.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已移除 {id}；还剩 {count} 个。</translation>
        </message>
        <message>
            <location line="+9" />
            <source>available</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">可用</translation>
        </message>
        <message>
            <location line="+0" />
            <source>unavailable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不可用</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 网络</translation>
        </message>
        <message>
            <location line="+2" />
            <location filename="../../desktop/byway/commands/diagnose.py" line="+106" />
            <source>reachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">可以连通</translation>
        </message>
        <message>
            <location line="+25" />
            <source>there is no meek bridge line to front with</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有可用于域前置的 meek 网桥行</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect_args.py" line="+43" />
            <source>expected a two-letter country code, like IR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为两个字母的国家代码，例如 IR</translation>
        </message>
        <message>
            <location line="+14" />
            <source>connect to Tor the best way this network allows, and stay connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用这个网络允许的最佳方式连接 Tor，并保持连接</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start Tor with the best way out for this network, show its progress, print the SOCKS address to use, and keep the connection up until Ctrl-C.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用最适合这个网络的出路启动 Tor，显示进度，打印要使用的 SOCKS 地址，并保持连接直到按下 Ctrl-C。</translation>
        </message>
        <message>
            <location line="+13" />
            <source>a bridge line to use (repeat for several)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">要使用的网桥行（可重复以使用多个）</translation>
        </message>
        <message>
            <location line="+6" />
            <source>an upstream proxy: http://, https://, socks4:// or socks5://[user:pass@]host:port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">上游代理：http://、https://、socks4:// 或 socks5://[用户:密码@]主机:端口</translation>
        </message>
        <message>
            <location line="+5" />
            <source>keep tor's state per profile</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">按配置文件分别保存 Tor 状态</translation>
        </message>
        <message>
            <location line="+2" />
            <source>default: any free port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">默认：任意空闲端口</translation>
        </message>
        <message>
            <location line="+7" />
            <source>where to ask for this country's circumvention settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">从哪里请求这个国家的翻墙设置</translation>
        </message>
        <message>
            <location line="+3" />
            <source>do not ask Moat; use the built-in map</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不询问 Moat；使用内置的映射表</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect.py" line="+85" />
            <source>Checking which ways out answer from here...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在检查从这里哪些出路有响应...</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Your saved bridges are not used this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这次不使用你保存的网桥：{why}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>you asked for it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你要求的</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Tor without a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不使用网桥的 Tor。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>custom needs at least one --bridge LINE</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">custom 至少需要一个 --bridge 行</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Your bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你的网桥。</translation>
        </message>
        <message>
            <location line="+16" />
            <source>One way, as asked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">按要求，只用一种方式。</translation>
        </message>
        <message>
            <location line="+66" />
            <source>Nothing in the plan can run here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">计划中没有任何方式能在这里运行。</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Connected with {way} in {seconds:.1f} s. Press Ctrl-C to disconnect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已通过 {way} 连接，用时 {seconds:.1f} 秒。按 Ctrl-C 断开连接。</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Those bridges do not use {transport}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这些网桥不使用 {transport}。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Disconnected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已断开连接。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose_args.py" line="+24" />
            <source>expected IP:PORT, for example 8.8.8.8:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为 IP:端口，例如 8.8.8.8:53</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected NAME=IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为 名称=IP:端口</translation>
        </message>
        <message>
            <location line="+16" />
            <source>find out what this network blocks, and how</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">查明这个网络封锁了什么，以及如何封锁</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test websites and the Tor network from here, compare with an uncensored control, and explain what is blocked and how. Without URLs, Byway's default list is tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">从这里测试网站和 Tor 网络，与未受审查的对照点比较，并解释什么被封锁以及如何被封锁。如果不提供 URL，则测试 Byway 的默认列表。</translation>
        </message>
        <message>
            <location line="+11" />
            <source>addresses to test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">要测试的地址</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a file of URLs</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">一个 URL 文件</translation>
        </message>
        <message>
            <location line="+2" />
            <source>print OONI-format measurements, one per line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">输出 OONI 格式的测量结果，每行一条</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not ask a test helper</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不询问测试助手</translation>
        </message>
        <message>
            <location line="+3" />
            <source>skip the UDP DNS test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">跳过 UDP DNS 测试</translation>
        </message>
        <message>
            <location line="+2" />
            <source>skip DNS-over-HTTPS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">跳过 DNS-over-HTTPS</translation>
        </message>
        <message>
            <location line="+4" />
            <source>use the --resolver answers instead of the system's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">使用 --resolver 的应答代替系统的应答</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a Tor relay to test instead of the directory authorities (repeatable)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">要测试的 Tor 中继，代替目录权威（可重复）</translation>
        </message>
        <message>
            <location line="+2" />
            <source>do not test the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不测试 Tor 网络</translation>
        </message>
        <message>
            <location line="+1" />
            <location filename="../../desktop/byway/commands/helper_args.py" line="+61" />
            <source>seconds per step</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">每一步的秒数</translation>
        </message>
        <message>
            <location line="+7" />
            <source>after a suspected trigger, leave that address and port alone this long</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">在疑似触发之后，这段时间内不再碰该地址和端口</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a fixed random order, to repeat a run</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">固定的随机顺序，用于重复某次运行</translation>
        </message>
        <message>
            <location line="+5" />
            <source>consent to the tests without a prompt (for scripts)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无需提示即同意测试（用于脚本）</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="-27" />
            <source>No terminal to ask for consent: run again with --accept-risks to agree.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有终端可以征求同意：请加上 --accept-risks 重新运行以表示同意。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Nothing was tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有测试任何内容。</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Testing {total} targets...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在测试 {total} 个目标...</translation>
        </message>
        <message>
            <location line="+10" />
            <source>unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法连通</translation>
        </message>
        <message>
            <location line="+6" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正常</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">宕机（不是审查）</translation>
        </message>
        <message>
            <location line="+2" />
            <source>unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">未知</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked ({how})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被封锁（{how}）</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已停止。</translation>
        </message>
        <message>
            <location line="+26" />
            <source>The report was withheld: your address could not be removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">报告未予提供：无法从中移除你的地址。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper_args.py" line="-40" />
            <source>expected HOST:PORT, for example 127.0.0.1:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为 主机:端口，例如 127.0.0.1:8080</translation>
        </message>
        <message>
            <location line="+11" />
            <source>expected IP:PORT, for example 127.0.0.1:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为 IP:端口，例如 127.0.0.1:53</translation>
        </message>
        <message>
            <location line="+14" />
            <source>run a web-connectivity test helper (an uncensored control)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">运行 web-connectivity 测试助手（一个未受审查的对照点）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Serve OONI's web-connectivity test-helper protocol, so that probes elsewhere can compare what they see with what this network sees. Run it only on an uncensored network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">提供 OONI 的 web-connectivity 测试助手协议，让其他地方的探测可以把自己看到的与这个网络看到的进行比较。只在未受审查的网络上运行。</translation>
        </message>
        <message>
            <location line="+12" />
            <source>resolve names with this DNS server instead of the system resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用这个 DNS 服务器代替系统解析器来解析名称</translation>
        </message>
        <message>
            <location line="+7" />
            <source>serve HTTPS with this certificate (PEM), so probes' requests are encrypted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用此证书（PEM）提供 HTTPS 服务，使探测请求经过加密</translation>
        </message>
        <message>
            <location line="+3" />
            <source>its private key (PEM)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">它的私钥（PEM）</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="+26" />
            <source>--tls-cert and --tls-key go together.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">--tls-cert 和 --tls-key 必须一起使用。</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Cannot use that certificate and key: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法使用该证书和密钥：{reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/logging_setup.py" line="+35" />
            <source>keep a diagnostic log in Byway's log folder (addresses and bridges are removed from it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">在 Byway 的日志文件夹中保存诊断日志（其中的地址和网桥会被移除）</translation>
        </message>
        <message>
            <location line="+35" />
            <source>No diagnostic log this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这次没有诊断日志：{why}</translation>
        </message>
    </context>
    <context>
        <name>ConnectedPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="+23" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已连接</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Point your applications at this SOCKS5 proxy. Tor Browser needs no setting.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">让你的应用程序使用这个 SOCKS5 代理。Tor 浏览器无需设置。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>SOCKS address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS 地址</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The address and port of the SOCKS5 proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS5 代理的地址和端口</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cop&amp;y</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">复制(&amp;Y)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the SOCKS address to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">把 SOCKS 地址复制到剪贴板</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Demo: this address is made up and nothing listens there. No traffic was sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示：这个地址是虚构的，没有任何程序在监听。没有发送任何流量。</translation>
        </message>
        <message>
            <location line="+10" />
            <source>&amp;Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">断开连接(&amp;D)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop Tor and close the connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">停止 Tor 并关闭连接</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connected with {way} in {seconds:.0f} s.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已通过 {way} 连接，用时 {seconds:.0f} 秒。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Copied.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已复制。</translation>
        </message>
    </context>
    <context>
        <name>ConnectingPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="+25" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在连接</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+42" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在启动 Tor</translation>
        </message>
        <message>
            <location line="-40" />
            <source>Connection progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接进度</translation>
        </message>
        <message>
            <location line="+0" />
            <source>How far Tor has got</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 进行到了哪一步</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+1" />
            <location line="+26" />
            <source>Show log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">显示日志</translation>
        </message>
        <message>
            <location line="-27" />
            <source>Show or hide Tor's messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">显示或隐藏 Tor 的消息</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Connection log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接日志</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Every step Tor reported, with the time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 报告的每一步，附带时间</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Back to the plan</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">返回计划(&amp;B)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Return to the ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">返回出路列表</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">取消(&amp;C)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop connecting and stop Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">停止连接并停止 Tor</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Hide log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">隐藏日志</translation>
        </message>
        <message>
            <location line="+30" />
            <location line="+3" />
            <source>Trying {way}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在尝试 {way}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">未连接</translation>
        </message>
    </context>
    <context>
        <name>Consent</name>
        <message>
            <location filename="../../desktop/byway/consent.py" line="+17" />
            <source>Before Byway tests this network, please know:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">在 Byway 测试这个网络之前，请了解：</translation>
        </message>
        <message>
            <location line="+1" />
            <source>- Anyone who watches this connection (your internet provider, your employer, a government) can see that these tests are running and which sites they try.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- 任何监视这个连接的人（你的网络服务商、雇主或政府）都能看到这些测试正在进行，以及测试了哪些网站。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Some of the sites Byway tests may be illegal or frowned upon where you are. You can test only the addresses you choose instead.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway 测试的某些网站在你所在的地方可能是违法的或不受欢迎的。你也可以只测试你自己选择的地址。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Byway uploads nothing. Results stay on this computer unless you share them yourself.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway 不会上传任何内容。除非你自己分享，结果只留在这台电脑上。</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Type yes to run the tests, or anything else to stop: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">输入 是 运行测试，输入其他任何内容则停止： </translation>
        </message>
        <message>
            <location line="+9" />
            <source>yes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">是</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="+33" />
            <source>Something went wrong</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">出了点问题</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway hit a problem it did not expect. Your connection settings are safe. If you report this, copy the text below: addresses and bridges have been removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 遇到了意料之外的问题。你的连接设置是安全的。如果要报告此问题，请复制下面的文字：其中的地址和网桥已被移除。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Problem report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">问题报告</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Technical details, scrubbed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">技术细节（已清理）</translation>
        </message>
        <message>
            <location line="+5" />
            <location line="+1" />
            <source>Copy report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">复制报告</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the scrubbed report to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">把清理后的报告复制到剪贴板</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Close</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">关闭</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close this message</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">关闭此消息</translation>
        </message>
    </context>
    <context>
        <name>Demo</name>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="+111" />
            <source>Demo scenario {file}, {field}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示场景 {file}，{field}：{problem}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>expected a number from {low} to {high}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为 {low} 到 {high} 之间的数字</translation>
        </message>
        <message>
            <location line="+9" />
            <source>expected some text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为一些文本</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{value} is not one of: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{value} 不是以下之一：{known}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected a [[site]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为一个 [[site]] 表</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a blockpage needs an http:// address (HTTPS is reset instead)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">拦截页面需要 http:// 地址（HTTPS 则会被重置）</translation>
        </message>
        <message>
            <location line="+3" />
            <source>no file blockpages/{name}.html</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有文件 blockpages/{name}.html</translation>
        </message>
        <message>
            <location line="+15" />
            <source>expected a [[way]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为一个 [[way]] 表</translation>
        </message>
        <message>
            <location line="+15" />
            <source>a scenario needs at least one [[site]]</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">场景至少需要一个 [[site]]</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected [[way]] tables</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为 [[way]] 表</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected a [tor] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为一个 [tor] 表</translation>
        </message>
        <message>
            <location line="+30" />
            <source>There is no demo scenario called {name}. Known scenarios: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有名为 {name} 的演示场景。已知场景：{known}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="+47" />
            <source>None of the ways in the plan could connect. Try again later, or add a private bridge in Settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">计划中的方式都没能连接。请稍后再试，或在设置中添加一个私有网桥。</translation>
        </message>
        <message>
            <location line="+39" />
            <source>tor reported {reason} at {progress}%: this way is blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 在 {progress}% 时报告了 {reason}：这种方式在这里被封锁。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>No progress past {progress}% for a while: moving on to the next way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已有一段时间没有超过 {progress}%：转到下一种方式。</translation>
        </message>
    </context>
    <context>
        <name>DemoScenario</name>
        <message>
            <location filename="../../desktop/byway/demo/words.py" line="+17" />
            <source>China, the Great Firewall</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">中国，防火长城</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Iran, autumn 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">伊朗，2022 年秋</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Russia, 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">俄罗斯，2022 年</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A full shutdown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">全面断网</translation>
        </message>
        <message>
            <source>Modelled on the GFW: forged DNS answers from known poison addresses, SNI resets, IP blocking; Tor relays and public bridges blocked; Snowflake gets through, slowly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">以 GFW 为原型：来自已知污染地址的伪造 DNS 应答、SNI 重置、IP 封锁；Tor 中继和公开网桥被封锁；Snowflake 能通过，但很慢。</translation>
        </message>
        <message>
            <source>Show the forged DNS answers first: 8.7.198.45 and 46.82.174.68 are published GFW poison addresses,
and the details name them. Google's encrypted connection is reset by name (SNI) and the New York
Times' address is black-holed. Baidu works. Every directory authority is unreachable by address, and
the public obfs4 bridges stall at 2%: they are on the blocklist, and since about 2021 the GFW also
detects traffic that looks fully random. Snowflake connects, slowly. The lesson: private bridges
and transports that look like something else. Modelled on published research; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">先展示伪造的 DNS 应答：8.7.198.45 和 46.82.174.68 是公开的 GFW 污染地址，详情中会点出它们。Google 的加密连接按名称（SNI）被重置，《纽约时报》的地址被黑洞。百度可以访问。所有目录权威都按地址无法连通，公开的 obfs4 网桥卡在 2%：它们在封锁名单上，而且大约从 2021 年起，GFW 也能检测看起来完全随机的流量。Snowflake 能连上，但很慢。要点：私有网桥，以及伪装成别的东西的传输方式。以已发表的研究为原型；数据为近似值。</translation>
        </message>
        <message>
            <source>Modelled on Iran during the Mahsa Amini protests: DNS tampering, SNI resets and HTTP blockpages; Tor relays and public obfs4 bridges blocked; Snowflake gets through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">以 Mahsa Amini 抗议期间的伊朗为原型：DNS 篡改、SNI 重置和 HTTP 拦截页面；Tor 中继和公开的 obfs4 网桥被封锁；Snowflake 能通过。</translation>
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
            <translation type="unfinished">指出正在起作用的三个层面：Instagram 的加密连接按名称（SNI）被切断，WhatsApp 的名称被解析到私有地址 10.10.34.x（DNS 注入），而纯 HTTP 的 BBC Persian 返回全国统一的拦截页面（指向 10.10.34.34 的 iframe）。Wikipedia 和国内购物网站仍然可用：这是定向审查，不是断网。Tor 中继完全没有响应，公开的 obfs4 网桥卡在 2%：2022 年来自伊朗的 Snowflake 用户从约 2 万增加到约 10 万。如需演示那个秋天夜间的移动网络断网，请切换到 "shutdown" 场景。以 OONI 和 Tor Project 的报告为原型；数字为近似值。</translation>
        </message>
        <message>
            <source>Modelled on Russia in 2022: torproject.org and social networks blocked, Twitter throttled, Tor's handshake recognised by DPI; bridges get through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">以 2022 年的俄罗斯为原型：torproject.org 和社交网络被封锁，Twitter 被限速，Tor 的握手被 DPI 识别；网桥能通过。</translation>
        </message>
        <message>
            <source>The Russian filter (TSPU) works by name and by protocol: Facebook and Instagram are reset, the plain-
HTTP page of torproject.org returns the RKN blockpage, and Twitter loads but crawls (throttling by
SNI in 2021 held it near 130-150 kbit/s; Byway does not call slowness censorship, so say it aloud).
Tor's relays accept a TCP connection, but the TLS handshake is reset: Tor is recognised by its
fingerprint, so plain Tor fails at the handshake. Snowflake and obfs4 bridges worked for most users;
Tor's user numbers from Russia recovered with bridges. Modelled on OONI and Tor reports; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">俄罗斯的过滤系统（TSPU）按名称和协议工作：Facebook 和 Instagram 被重置，torproject.org 的纯 HTTP 页面返回 RKN 拦截页面，Twitter 能加载但非常慢（2021 年按 SNI 限速，使其维持在约 130-150 kbit/s；Byway 不把慢称为审查，所以请口头说明）。Tor 中继接受 TCP 连接，但 TLS 握手被重置：Tor 被其指纹识别，所以直接连接 Tor 会在握手时失败。Snowflake 和 obfs4 网桥对大多数用户有效；来自俄罗斯的 Tor 用户数量借助网桥得以恢复。以 OONI 和 Tor 的报告为原型；数据为近似值。</translation>
        </message>
        <message>
            <source>Nothing leaves the country: every site, encrypted DNS and every Tor relay time out. No transport can help.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">任何流量都出不了国：每个网站、加密 DNS 和每个 Tor 中继都超时。任何传输方式都无济于事。</translation>
        </message>
        <message>
            <source>Let the diagnosis run to the end: every probe times out, including the control-side checks, DNS over
HTTPS and Tor's relays. Byway says "No Internet" instead of listing blocked sites, and the advice page
recommends no transport, because none can work until the network comes back. This is what Myanmar's
nightly shutdowns from 2021 and Iran's regional mobile shutdowns in 2022 looked like from a phone.
Use it to talk about offline preparation: saved bridges, mesh messengers, and knowing the difference.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">让诊断运行到结束：每个探测都超时，包括对照点一侧的检查、DNS over HTTPS 和 Tor 中继。Byway 会显示"无法上网"，而不是列出被封锁的网站，建议页面也不推荐任何传输方式，因为在网络恢复前任何方式都不可能成功。缅甸 2021 年起的夜间断网和伊朗 2022 年的地区性移动断网，从手机上看就是这样。可借此讨论离线准备：保存好的网桥、网状（mesh）通讯工具，以及分清两者的区别。</translation>
        </message>
    </context>
    <context>
        <name>DiagnosePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="+26" />
            <source>Testing this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在测试这个网络</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+43" />
            <source>Getting ready...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在准备...</translation>
        </message>
        <message>
            <location line="-39" />
            <source>Test progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测试进度</translation>
        </message>
        <message>
            <location line="+1" />
            <source>How many of the sites and Tor relays have been tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已测试了多少网站和 Tor 中继</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sites and relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网站和中继</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each site and Tor relay being tested, and what was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在测试的每个网站和 Tor 中继，以及发现的情况</translation>
        </message>
        <message>
            <location line="+2" />
            <source>What</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">对象</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Result</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">结果</translation>
        </message>
        <message>
            <location line="+7" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">取消(&amp;C)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop the tests now; nothing more is sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">立即停止测试；不再发送任何内容</translation>
        </message>
        <message>
            <location line="+26" />
            <source>waiting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">等待中</translation>
        </message>
        <message>
            <location line="+23" />
            <location line="+4" />
            <source>{done} of {total} tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已测试 {done} / {total}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>testing...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在测试...</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Tor relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 中继</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{ok} of {done} answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{ok} / {done} 有响应</translation>
        </message>
        <message>
            <location line="-14" />
            <source>blocked: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被封锁：{how}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>works</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">可用</translation>
        </message>
        <message>
            <location line="+2" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无响应</translation>
        </message>
        <message>
            <location line="-14" />
            <source>Seen so far: {techniques}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">目前发现：{techniques}</translation>
        </message>
    </context>
    <context>
        <name>Findings</name>
        <message>
            <location filename="../../desktop/byway/analyze/words.py" line="+23" />
            <source>NXDOMAIN (no such name)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">NXDOMAIN（没有这个名称）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SERVFAIL (server failure)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SERVFAIL（服务器故障）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>REFUSED</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">REFUSED（拒绝）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无响应</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bogon address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">一个 bogon 地址</translation>
        </message>
        <message>
            <location line="+1" />
            <source>timeout</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">超时</translation>
        </message>
        <message>
            <location line="+1" />
            <source>reset</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被重置</translation>
        </message>
        <message>
            <location line="+1" />
            <source>refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被拒绝</translation>
        </message>
        <message>
            <location line="+1" />
            <source>connection closed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接被关闭</translation>
        </message>
        <message>
            <location line="+1" />
            <source>host unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">主机不可达</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate for another name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">属于另一个名称的证书</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate from an unknown authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">来自未知颁发机构的证书</translation>
        </message>
        <message>
            <location line="+1" />
            <source>invalid certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无效证书</translation>
        </message>
        <message>
            <location line="+1" />
            <source>failed handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">握手失败</translation>
        </message>
        <message>
            <location line="+3" />
            <source>success</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">成功</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the ISP resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网络服务商的解析器</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the encrypted resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">加密解析器 {resolver}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">解析器 {resolver}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无</translation>
        </message>
        <message>
            <location line="+4" />
            <source>country unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">国家未知</translation>
        </message>
        <message>
            <location line="+15" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 注入：{resolver} 应答了 {addresses}，这是 bogon 地址，也是已知注入者的地址（{fingerprint}，{countries}）；对照点得到的是 {control}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 注入：{resolver} 对 {subject} 应答了 {addresses}，这是已知注入者的地址（{fingerprint}，{countries}）；对照点得到的是 {control}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late}; an injector raced the genuine resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 注入：{resolver} 对 {subject} 发送了两个不同的应答，先是 {addresses}，然后是 {late}；有注入者抢在真正的解析器之前应答</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 注入：{resolver} 应答了 {addresses}，这是 bogon 地址；对照点得到的是 {control}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}; the control found {control}, on another network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 注入：{resolver} 对 {subject} 应答了 {addresses}；对照点在另一个网络上得到的是 {control}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake without a name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI 过滤：{subject} 的 ClientHello 之后出现 {failure}；同一 IP 在不带名称时能完成握手</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake for a benign name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI 过滤：{subject} 的 ClientHello 之后出现 {failure}；同一 IP 使用无害名称时能完成握手</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure}; the control's handshake validates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS 干扰：{endpoint} 是 {subject} 的真实地址，却出示了 {failure}；对照点的握手验证通过</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: every handshake with {endpoint} for {subject} ends in {failure}, though TCP connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS 干扰：与 {endpoint} 进行的每次 {subject} 握手都以 {failure} 结束，尽管 TCP 能连通</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 拦截页面：{subject} 返回了拦截页面 {fingerprint}（{countries}）</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{percent}% of its length</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">长度的 {percent}%</translation>
        </message>
        <message>
            <location line="+2" />
            <source>length not compared</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">未比较长度</translation>
        </message>
        <message>
            <location line="+2" />
            <source>HTTP diff: the page for {subject} differs from the control's (status {status} vs {control_status}, {proportion}); no known blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 差异：{subject} 的页面与对照点的不同（状态 {status} 对 {control_status}，{proportion}）；不是已知的拦截页面</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP failure: fetching {subject} failed ({failure}); the control fetched it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 失败：获取 {subject} 失败（{failure}）；对照点获取成功</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 封锁：{resolver} 对 {subject} 给出了 {failure}；对照点将其解析为 {control}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">加密 DNS 被封锁：无法连到 DNS-over-HTTPS 解析器 {subject}（{failure}）</translation>
        </message>
        <message>
            <location line="+7" />
            <source>IP black hole: connecting to {endpoint} times out; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP 黑洞：连接 {endpoint} 超时；对照点能连上</translation>
        </message>
        <message>
            <location line="+4" />
            <source>IP blocking: connecting to {endpoint} fails ({failure}); the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP 封锁：连接 {endpoint} 失败（{failure}）；对照点能连上</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TCP reset injection: the connection for {subject} was reset after the request was sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP 重置注入：{subject} 的连接在发送请求后被重置</translation>
        </message>
        <message>
            <location line="+5" />
            <source>TCP reset injection: the connection to {endpoint} was {failure}; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP 重置注入：到 {endpoint} 的连接{failure}；对照点能连上</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Site down: {subject} fails from outside too ({failure}); this is not censorship</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网站宕机：从外部访问 {subject} 也失败（{failure}）；这不是审查</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after a trigger</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">未测试：{subject} 刚刚被探测过，一些审查者在触发后会持续封锁好几分钟</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 封锁</translation>
        </message>
        <message>
            <location line="+1" />
            <source>DNS injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS 注入</translation>
        </message>
        <message>
            <location line="+1" />
            <source>encrypted DNS blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">加密 DNS 被封锁</translation>
        </message>
        <message>
            <location line="+1" />
            <source>IP black hole</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP 黑洞</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TCP reset injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP 重置注入</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS SNI filtering</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI 过滤</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS interference</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS 干扰</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 拦截页面</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP diff</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 差异</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP failure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 失败</translation>
        </message>
        <message>
            <location line="+1" />
            <source>site down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网站宕机</translation>
        </message>
        <message>
            <location line="+1" />
            <source>not tested (pacing)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">未测试（限速间隔）</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{list}, {item}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{list}、{item}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{first} and {last}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first}和{last}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays. This looks like a shutdown or an outage, not censorship of particular sites.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法上网：没有任何响应，连境外网站、加密 DNS 或 Tor 中继都没有。这看起来是断网或故障，而不是对特定网站的审查。</translation>
        </message>
        <message>
            <location line="+7" />
            <source>blocks Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">封锁 Tor</translation>
        </message>
        <message>
            <location line="+2" />
            <source>tampers with DNS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">篡改 DNS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocks some addresses</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">封锁部分地址</translation>
        </message>
        <message>
            <location line="+1" />
            <source>filters encrypted connections by name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">按名称过滤加密连接</translation>
        </message>
        <message>
            <location line="+2" />
            <source>interferes with encrypted connections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">干扰加密连接</translation>
        </message>
        <message>
            <location line="+1" />
            <source>tampers with web pages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">篡改网页</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Your network {actions}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你的网络{actions}。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>We found no censorship of the sites tested, but some Tor relays could not be reached.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">我们没有发现对所测网站的审查，但有些 Tor 中继无法连通。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>We found no sign of censorship on this network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">我们没有在这个网络上发现审查的迹象。</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{layer}: no interference seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}：未发现干扰</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{technique} ({count} of {total} targets)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{technique}（{total} 个目标中的 {count} 个）</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{layer}: interfered with: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}：受到干扰：{how}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: directory authorities not tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor：未测试目录权威</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: all {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor：全部 {tested} 个目录权威都有响应</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: {reachable} of {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor：{tested} 个目录权威中有 {reachable} 个有响应</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor: blocked by address: none of {tested} directory authorities accepts a connection, while websites work</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor：被按地址封锁：{tested} 个目录权威都不接受连接，而网站可以访问</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake completes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor：被封锁：到 {tested} 个目录权威的连接能建立，但没有一次 TLS 握手完成</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: no directory authority answers, like everything else</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor：没有目录权威响应，其他一切也一样</translation>
        </message>
    </context>
    <context>
        <name>GeneralTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+49" />
            <source>Language</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">语言</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The language of Byway's window and messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 窗口和消息使用的语言</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Same as the system</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">与系统相同</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Language:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">语言：</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Where secrets are kept...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息保存位置(&amp;W)...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Choose between keeping secrets for this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">选择只在本次会话中保留机密信息，还是保存在 Byway 的加密保险库中</translation>
        </message>
        <message>
            <location line="+5" />
            <source>&amp;Change the vault passphrase...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">更改保险库密码短语(&amp;C)...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the vault's current passphrase, then choose a new one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">输入保险库的当前密码短语，然后选择一个新的</translation>
        </message>
        <message>
            <location line="+13" />
            <source>&amp;Forget everything...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">全部清除(&amp;F)...</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete Byway's settings, saved bridges, passwords, Tor state and logs from this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">从这台电脑上删除 Byway 的设置、保存的网桥、密码、Tor 状态和日志</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Secrets are kept in the system keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息保存在系统密钥环中。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Secrets are kept in Byway's own vault, protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息保存在 Byway 自己的保险库中，由密码短语保护。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets are kept only until Byway closes, and never written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息只保留到 Byway 关闭，从不写入磁盘。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Portable mode: everything stays in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">便携模式：所有内容都保存在 {folder}。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Installed mode: settings are in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">安装模式：设置保存在 {folder}。</translation>
        </message>
        <message>
            <location line="+31" />
            <source>The vault's passphrase was changed. From now on, only the new one opens it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保险库的密码短语已更改。从现在起，只有新的密码短语能打开它。</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Something unexpected went wrong. The passphrase was not changed: the vault still opens with its current passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">发生了意外错误。密码短语没有更改：保险库仍可用当前的密码短语打开。</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Forget everything?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">要全部清除吗？</translation>
        </message>
        <message>
            <location line="+2" />
            <source>This deletes Byway's settings, your saved bridges and passwords, Tor's state and the logs from this computer. It cannot be undone.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这会从这台电脑上删除 Byway 的设置、你保存的网桥和密码、Tor 状态和日志。此操作无法撤销。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forget everything</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">全部清除</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Some things could not be deleted: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">有些内容无法删除：{what}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Everything Byway kept on this computer has been deleted.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 在这台电脑上保存的所有内容都已删除。</translation>
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
            <translation type="unfinished">机密信息保存位置...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Where secrets are kept</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息保存位置</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose between this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">选择只在本次会话中保留，还是使用 Byway 的加密保险库</translation>
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
            <translation type="unfinished">设置(&amp;S)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示模式(&amp;D)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">退出(&amp;Q)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Help</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">帮助(&amp;H)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Presenter's note</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示者备注(&amp;P)</translation>
        </message>
        <message>
            <location line="+23" />
            <source>DEMO: simulated network ({name}). Nothing is sent anywhere.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示：模拟网络（{name}）。不会向任何地方发送任何内容。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Byway (demo)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway（演示）</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Portable mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">便携模式</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Installed mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">安装模式</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Demo</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Something unexpected went wrong.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">发生了意外错误。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Something unexpected went wrong. A report is shown in a separate window.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">发生了意外错误。报告显示在另一个窗口中。</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tests stopped. Nothing more is being sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测试已停止。不再发送任何内容。</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Tests finished: {headline}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测试已完成：{headline}</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Checking which ways out can be reached from here (a few seconds)...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在检查从这里能连到哪些出路（需要几秒钟）...</translation>
        </message>
        <message>
            <location line="+103" />
            <source>Requesting bridges is not available in this build.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">此版本不支持请求网桥。</translation>
        </message>
    </context>
    <context>
        <name>Moat</name>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="+116" />
            <source>it is not JSON</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不是 JSON</translation>
        </message>
        <message>
            <location line="+2" />
            <source>it is nested too deeply</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">嵌套太深</translation>
        </message>
        <message>
            <location line="+62" />
            <source>HTTP status {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 状态 {status}</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+5" />
            <source>it is too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">太大</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server could not be reached ({error}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法连到网桥服务器（{error}）。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="+93" />
            <source>The bridge server did not understand the request.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器没有理解请求。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The bridge server knows no working transport of those asked for here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器不知道这里所请求的传输方式中有哪种可用。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The bridge server could not tell which country you are in; choose it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器无法判断你所在的国家；请自行选择。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The bridge server refused the request's format.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器拒绝了请求的格式。</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The answer to the picture was wrong; try a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">图片的答案不对；请换一张再试。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The bridge server's answer was refused: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器的回答被拒绝：{what}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>an error without a code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有代码的错误</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server answered with error {code}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥服务器返回了错误 {code}。</translation>
        </message>
        <message>
            <location line="+22" />
            <source>bridge lines are not a list of at most {n}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥行不是最多 {n} 个的列表</translation>
        </message>
        <message>
            <location line="+4" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">某个网桥行不是文本</translation>
        </message>
        <message>
            <location line="+17" />
            <source>settings are not a short list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">设置不是一个简短的列表</translation>
        </message>
        <message>
            <location line="+5" />
            <source>a setting has no bridges object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">某个设置没有网桥对象</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a setting has no transport type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">某个设置没有传输类型</translation>
        </message>
        <message>
            <location line="+20" />
            <source>there is no settings list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有设置列表</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the country is not a two-letter code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">国家不是两个字母的代码</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the country map is not an object of countries</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">国家映射不是由国家组成的对象</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the country map has an entry that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">国家映射中有一项不是国家</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the country list is not a list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">国家列表不是列表</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the country list holds something that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">国家列表中有不是国家的内容</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the built-in bridge list is not an object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">内置网桥列表不是对象</translation>
        </message>
        <message>
            <location line="+8" />
            <source>there is no data item</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有数据项</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the data item is of the wrong type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">数据项类型错误</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the captcha image is missing or too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">验证码图片缺失或过大</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the captcha challenge is missing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">缺少验证码题目</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the captcha image is not base64</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">验证码图片不是 base64</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the captcha image is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">验证码图片是空的</translation>
        </message>
        <message>
            <location line="+9" />
            <source>no usable bridge came back</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有收到可用的网桥</translation>
        </message>
    </context>
    <context>
        <name>MoatDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/moat_dialog.py" line="+41" />
            <source>Request bridges from the Tor Project</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">向 Tor Project 请求网桥</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the characters in the picture. The Tor Project then gives you bridges that are not published, so they are less likely to be blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">输入图片中的字符。Tor Project 随后会给你未公开的网桥，它们被封锁的可能性更小。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Captcha picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">验证码图片</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A picture of characters to type below; ask someone to read it if you cannot see it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">一张图片，上面的字符需要在下方输入；如果你看不见，请请人帮你读出来</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Captcha answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">验证码答案</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the characters shown in the picture, then press Enter</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">输入图片中显示的字符，然后按回车键</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;New picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">换一张图片(&amp;N)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Fetch a different picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">获取另一张图片</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Get bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">获取网桥</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Send the answer and receive bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">发送答案并接收网桥</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">取消</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without requesting bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">关闭，不请求网桥</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Fetching a picture...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在获取图片...</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The picture could not be shown. Ask for a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法显示图片。请换一张。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Type what the picture shows.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请输入图片中显示的内容。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Type what the picture shows first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请先输入图片中显示的内容。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sending your answer...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在发送你的答案...</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Received {count} bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已收到 {count} 个网桥。</translation>
        </message>
        <message>
            <location line="-15" />
            <source>That was not the right answer. Here is a new picture: try again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">答案不正确。这是一张新图片：请再试一次。</translation>
        </message>
        <message>
            <location line="+29" />
            <source>The request failed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请求失败。</translation>
        </message>
    </context>
    <context>
        <name>PassphraseDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/passphrase_dialog.py" line="+36" />
            <source>Change the vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">更改保险库密码短语</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type the current passphrase, then the new passphrase twice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">输入当前密码短语，然后输入两次新密码短语</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the passphrase that opens the vault now, then the new one twice. Your bridges and passwords stay in the vault; only the passphrase that opens it changes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请输入现在能打开保险库的密码短语，然后输入两次新的密码短语。你的网桥和密码仍保存在保险库中；改变的只是打开它的密码短语。</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Current passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">当前密码短语</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The passphrase that opens Byway's vault now</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">现在能打开 Byway 保险库的密码短语</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Current passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">当前密码短语：</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">新密码短语</translation>
        </message>
        <message>
            <location line="+0" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 保险库的新密码短语，至少 8 个字符</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">新密码短语：</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再次输入新密码短语</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再输入一次相同的密码短语，以确保无误</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再次：</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">忘记的密码短语无法找回。</translation>
        </message>
        <message>
            <location line="+9" />
            <location line="+1" />
            <source>Change passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">更改密码短语</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Re-encrypt the vault under the new passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用新密码短语重新加密保险库</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">取消</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without changing the passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">关闭，不更改密码短语</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Type the passphrase that opens the vault now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请输入现在能打开保险库的密码短语。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请选择至少 8 个字符的密码短语。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">两次输入的密码短语不一致。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The new passphrase is the same as the current one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">新密码短语与当前的相同。</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Checking the current passphrase and re-encrypting the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在检查当前密码短语并重新加密保险库...</translation>
        </message>
    </context>
    <context>
        <name>ProxyTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="+26" />
            <source>Only if this network lets nothing out except through a proxy.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">仅当这个网络除了通过代理以外什么都不放行时才需要。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Proxy type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理类型</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The kind of proxy, or none</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理的种类，或不使用代理</translation>
        </message>
        <message>
            <location line="+1" />
            <source>No proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不使用代理</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy host</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理主机</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's host name or address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理的主机名或地址</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理端口</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's port, 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理的端口，1 到 65535</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy user name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理用户名</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">可选</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理密码</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional; kept as a secret</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">可选；作为机密信息保存</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">类型：</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Host:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">主机：</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Port:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">端口：</translation>
        </message>
        <message>
            <location line="+1" />
            <source>User name:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用户名：</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Password:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">密码：</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Save &amp;proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保存代理(&amp;P)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Use this proxy for every connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">所有连接都使用这个代理</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已保存。</translation>
        </message>
    </context>
    <context>
        <name>Report</name>
        <message>
            <location filename="../../desktop/byway/report/text.py" line="+24" />
            <source>cannot tell (the control did not answer)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法判断（对照点没有响应）</translation>
        </message>
        <message>
            <location line="+3" />
            <source>accessible</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">可以访问</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down everywhere (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">各处都无法访问（不是审查）</translation>
        </message>
        <message>
            <location line="+3" />
            <source>blocked (DNS)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被封锁（DNS）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (TCP/IP)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被封锁（TCP/IP）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (connection failed)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被封锁（连接失败）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (page replaced)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">被封锁（页面被替换）</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Targets: {total} tested, {blocked} blocked, {down} down everywhere</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">目标：测试 {total} 个，被封锁 {blocked} 个，各处都无法访问 {down} 个</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Probes not sent, to avoid residual blocking from earlier probes: {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">为避免之前探测引起的残留封锁而未发送的探测：{count}</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{url}: {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{url}：{status}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Byway network report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 网络报告</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Measured {when} UTC, in {seconds} s</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测量时间 {when} UTC，用时 {seconds} 秒</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Targets</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">目标</translation>
        </message>
    </context>
    <context>
        <name>Resources</name>
        <message>
            <location filename="../../desktop/byway/resources.py" line="+49" />
            <source>Byway's resources folder was not found near {place}; set {variable} to its location</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">在 {place} 附近没有找到 Byway 的资源文件夹；请将 {variable} 设为它的位置</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="+22" />
            <source>What this network does</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这个网络做了什么</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Overview by technique and site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">按技术和网站分类的概览</translation>
        </message>
        <message>
            <location line="+1" />
            <source>One row per site, one column per network layer; each cell says what was seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">每行一个网站，每列一个网络层；每个单元格说明看到的情况</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+3" />
            <location line="+24" />
            <source>Show details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">显示详情</translation>
        </message>
        <message>
            <location line="-26" />
            <source>Show or hide the evidence behind each finding</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">显示或隐藏每项发现背后的证据</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">详情</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Every finding with its evidence, in plain words</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">每项发现及其证据，用通俗的话说明</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再测一次(&amp;A)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the tests once more</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再运行一次测试</translation>
        </message>
        <message>
            <location line="+3" />
            <source>See the &amp;way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">查看出路(&amp;W)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Show the ways out that should work here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">显示在这里应该可行的出路</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Hide details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">隐藏详情</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网站</translation>
        </message>
        <message>
            <location line="+10" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无响应</translation>
        </message>
        <message>
            <location line="+2" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正常</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Nothing to report.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有需要报告的内容。</translation>
        </message>
    </context>
    <context>
        <name>SecretStorage</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="+44" />
            <source>Secrets: system keyring</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息：系统密钥环</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Secrets: Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息：Byway 加密保险库</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets: only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息：仅限本次会话</translation>
        </message>
        <message>
            <location line="+137" />
            <source>Byway runs in portable mode, so nothing is kept in this computer's keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 正以便携模式运行，所以不会在这台电脑的密钥环中保存任何内容。</translation>
        </message>
        <message>
            <location line="+13" />
            <source>No system keyring answered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有系统密钥环响应。</translation>
        </message>
        <message>
            <location line="+39" />
            <source>Choose where Byway keeps bridges and passwords.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">选择 Byway 在哪里保存网桥和密码。</translation>
        </message>
    </context>
    <context>
        <name>SelfTest</name>
        <message>
            <location filename="../../desktop/byway/selftest.py" line="+109" />
            <location line="+15" />
            <source>not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">未找到</translation>
        </message>
        <message>
            <location line="-21" />
            <source>{path} is the computer's copy, not the bundle's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} 是这台电脑上的副本，不是安装包中的</translation>
        </message>
        <message>
            <location line="+25" />
            <source>{path} is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} 是空的</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Qt cannot be loaded: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法加载 Qt：{error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the main window did not open</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">主窗口没有打开</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the demo tested no sites</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示没有测试任何网站</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the advisor proposed nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">顾问没有提出任何建议</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a bundle (running from source)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不是安装包（从源代码运行）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway self-test: {where}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 自检：{where}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the user's folders</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用户的文件夹</translation>
        </message>
        <message>
            <location line="+1" />
            <source>  files kept in: {place}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">  文件保存在：{place}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Self-test failed: {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">自检失败：{names}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Self-test passed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">自检通过。</translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="+53" />
            <source>Enter the proxy's host name or address, without spaces.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请输入代理的主机名或地址，不要有空格。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Enter a port from 1 to 65535.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请输入 1 到 65535 之间的端口。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS4 proxies take no user name or password.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS4 代理不使用用户名或密码。</translation>
        </message>
        <message>
            <location line="+141" />
            <source>Secrets are not kept in Byway's vault now, so there is no passphrase to change.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">机密信息现在没有保存在 Byway 的保险库中，因此没有可更改的密码短语。</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+18" />
            <source>Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">设置</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+8" />
            <source>Settings sections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">设置分区</translation>
        </message>
        <message>
            <location line="-8" />
            <source>Bridges, proxy, and general</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥、代理和常规</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥(&amp;B)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pro&amp;xy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">代理(&amp;X)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;General</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">常规(&amp;G)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a section with the arrow keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">用方向键选择一个分区</translation>
        </message>
        <message>
            <location line="+2" />
            <source>D&amp;one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">完成(&amp;O)</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close the settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">关闭设置</translation>
        </message>
    </context>
    <context>
        <name>StorageDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="-173" />
            <source>Where should Byway keep your secrets?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 应该把你的机密信息保存在哪里？</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Keep only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">只在本次会话中保留</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are forgotten when Byway closes; nothing is written to disk</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 关闭时会忘掉网桥和密码；不写入磁盘</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+1" />
            <source>Keep in Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保存在 Byway 的加密保险库中</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are saved in a file that only your passphrase opens</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">网桥和密码保存在一个只有你的密码短语才能打开的文件中</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forgotten when Byway closes. Nothing is written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 关闭时忘掉。不写入磁盘。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保险库密码短语</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The passphrase that opens Byway's vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">打开 Byway 保险库的密码短语</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 保险库的新密码短语，至少 8 个字符</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">密码短语：</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再次输入密码短语</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再输入一次相同的密码短语，以确保无误</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">再次：</translation>
        </message>
        <message>
            <location line="+5" />
            <source>A vault already exists here: type its passphrase to open it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这里已有一个保险库：请输入它的密码短语来打开。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">忘记的密码短语无法找回。</translation>
        </message>
        <message>
            <location line="+8" />
            <location line="+1" />
            <source>Continue</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">继续</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep secrets the way chosen above</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">按上面选择的方式保存机密信息</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请选择至少 8 个字符的密码短语。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">两次输入的密码短语不一致。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Type the vault's passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请输入保险库的密码短语。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Opening the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在打开保险库...</translation>
        </message>
    </context>
    <context>
        <name>Store</name>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="+24" />
            <source>the drive is read-only</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">驱动器是只读的</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">文件夹已不存在</translation>
        </message>
        <message>
            <location line="+2" />
            <source>permission was refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">权限被拒绝</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the drive is full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">驱动器已满</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="+31" />
            <source>Byway cannot save to {path}: {detail}. Nothing saved earlier was lost. If Byway runs from a removable drive, check that it is plugged in and not write-protected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 无法保存到 {path}：{detail}。之前保存的内容都没有丢失。如果 Byway 是从可移动驱动器运行的，请检查它是否已插好且没有写保护。</translation>
        </message>
        <message>
            <location line="+31" />
            <source>No system keyring was found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这台电脑上没有找到系统密钥环。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring is locked and could not be unlocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">系统密钥环已锁定，且无法解锁。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring refused to store Byway's secrets.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">系统密钥环拒绝保存 Byway 的机密信息。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The only keyring available stores secrets unencrypted in a file, so Byway will not use it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">唯一可用的密钥环会把机密信息不加密地保存在文件中，所以 Byway 不会使用它。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The system keyring did not answer correctly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">系统密钥环没有正确响应。</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You can keep secrets only until Byway closes, or in Byway's own vault file protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你可以只在 Byway 关闭前保留机密信息，或将其保存在 Byway 自己的、由密码短语保护的保险库文件中。</translation>
        </message>
        <message>
            <location line="+15" />
            <source>The passphrase is not correct for this vault.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">该密码短语对这个保险库不正确。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The vault file {path} is damaged or was altered ({detail}). Byway will not use its contents.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">保险库文件 {path} 已损坏或被改动（{detail}）。Byway 不会使用其中的内容。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/locations.py" line="+76" />
            <location filename="../../desktop/byway/store/settings.py" line="+248" />
            <source>the portable folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">便携文件夹已不存在</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/settings.py" line="-42" />
            <source>Your settings were saved by a different version of Byway and cannot be read. They were kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你的设置是由另一个版本的 Byway 保存的，无法读取。已将其保留为 {moved_to}；Byway 以默认设置启动。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Your settings file was damaged and cannot be read. It was kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你的设置文件已损坏，无法读取。已将其保留为 {moved_to}；Byway 以默认设置启动。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="+124" />
            <source>not a Byway vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不是 Byway 保险库</translation>
        </message>
        <message>
            <location line="+3" />
            <source>unknown vault version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">未知的保险库版本</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the file is truncated</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">文件不完整</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header was changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">文件头被改动</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header is not valid</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">文件头无效</translation>
        </message>
        <message>
            <location line="+55" />
            <source>the encrypted contents were changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">加密内容被改动</translation>
        </message>
    </context>
    <context>
        <name>Targets</name>
        <message>
            <location filename="../../desktop/byway/targets.py" line="+40" />
            <source>Only http:// and https:// addresses can be tested: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">只能测试 http:// 和 https:// 地址：{url}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>This is not a web address: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这不是网址：{url}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Cannot read the target file {path}: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法读取目标文件 {path}：{reason}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{path}, line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path}，第 {number} 行：{problem}</translation>
        </message>
    </context>
    <context>
        <name>Tor</name>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="+17" />
            <source>Tor could not connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 无法连接。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Try another way out, or try again later.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请尝试另一条出路，或稍后再试。</translation>
        </message>
        <message>
            <location line="+15" />
            <source>A setting for Tor was refused ({key}: {why}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 的一项设置被拒绝（{key}：{why}）。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check the bridge lines and proxy you entered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请检查你输入的网桥行和代理。</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The Tor program was not found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这台电脑上没有找到 Tor 程序。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Install Tor (the 'tor' package), or use the portable Byway that carries it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请安装 Tor（'tor' 软件包），或使用自带 Tor 的便携版 Byway。</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor stopped unexpectedly (exit status {code}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 意外停止（退出状态 {code}）。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Try connecting again; if it keeps happening, save a report and share it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请再次尝试连接；如果一直出现，请保存一份报告并分享。</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Tor got stuck at {progress}% ({tag}): the bridge or relay could not be reached. This network probably blocks it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 卡在 {progress}%（{tag}）：无法连到网桥或中继。这个网络很可能封锁了它。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while handshaking: the connection was reached but then disturbed, which is how deep packet inspection of this transport looks.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 在握手时卡在 {progress}%（{tag}）：连接已到达但随后受到干扰，这正是深度包检测（DPI）识别这种传输方式时的表现。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while loading the network's directory.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 在加载网络目录时卡在 {progress}%（{tag}）。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Try another bridge or another transport (snowflake, meek, webtunnel).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请尝试另一个网桥或另一种传输方式（Snowflake、meek、webtunnel）。</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Check that the computer's date, time and time zone are right, then retry.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请检查电脑的日期、时间和时区是否正确，然后重试。</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Connections to Tor were refused at once: this network actively blocks them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">到 Tor 的连接被立即拒绝：这个网络在主动封锁它们。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor were cut off (reset): this network interferes with them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">到 Tor 的连接被切断（重置）：这个网络在干扰它们。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor timed out: this network silently drops them, or is very slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">到 Tor 的连接超时：这个网络在悄悄丢弃它们，或者网络非常慢。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no route to the Tor network: this computer may be offline, or it is blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有通往 Tor 网络的路由：这台电脑可能没有联网，或者被封锁了。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor could not reach the network ({reason}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 无法连到网络（{reason}）。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check that this computer is online, then try a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请检查这台电脑是否联网，然后尝试使用网桥。</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Use a bridge with a transport such as obfs4, snowflake or meek.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请使用带有 obfs4、Snowflake 或 meek 等传输方式的网桥。</translation>
        </message>
        <message>
            <location line="+12" />
            <source>The program that carries the {transport} transport could not run.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">承载 {transport} 传输方式的程序无法运行。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install obfs4proxy or lyrebird (and snowflake-client for snowflake), or pick another way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请安装 obfs4proxy 或 lyrebird（使用 Snowflake 还需 snowflake-client），或选择另一种方式。</translation>
        </message>
        <message>
            <location line="+14" />
            <source>This computer's clock is off by about {minutes} minutes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">这台电脑的时钟偏差约 {minutes} 分钟。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Set the right date, time and time zone, then connect again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请设置正确的日期、时间和时区，然后重新连接。</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor could not connect through the proxy {proxy}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 无法通过代理 {proxy} 连接。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Check the proxy's address, port, user name and password, or remove it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请检查代理的地址、端口、用户名和密码，或将其移除。</translation>
        </message>
        <message>
            <location line="+12" />
            <source>There was nothing to try: the plan had no usable way out.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">没有可尝试的方式：计划中没有可用的出路。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>None of the ways out worked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">所有出路都没有成功。</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install a transport, or add a bridge you got from a friend.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">请安装一种传输方式，或添加从可信的人那里得到的网桥。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="+53" />
            <source>Tor stopped unexpectedly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 意外停止。</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The transport program that carries the connection stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">承载连接的传输程序停止了。</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Reconnecting…</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在重新连接…</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Reconnected; the SOCKS address is {socks}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已重新连接；SOCKS 地址是 {socks}。</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The connection was lost.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接已断开。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/strategy.py" line="+244" />
            <source>Another way connected first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">另一种方式先连上了。</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="+72" />
            <location line="+76" />
            <source>the port must be from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">端口必须在 1 到 65535 之间</translation>
        </message>
        <message>
            <location line="-74" />
            <source>a SOCKS4 proxy cannot take a password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS4 代理不能使用密码</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS5 user names and passwords stop at 255</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS5 用户名和密码最长 255 个字符</translation>
        </message>
        <message>
            <location line="+2" />
            <source>an HTTP user name cannot contain ':'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP 用户名不能包含 ':'</translation>
        </message>
        <message>
            <location line="+24" />
            <source>expected a proxy like socks5://host:1080 or http://user:password@host:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">应为类似 socks5://主机:1080 或 http://用户:密码@主机:8080 的代理</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a directory authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不是目录权威</translation>
        </message>
        <message>
            <location line="+24" />
            <source>a test network needs authorities</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测试网络需要目录权威</translation>
        </message>
        <message>
            <location line="+99" />
            <source>not an option name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不是选项名</translation>
        </message>
        <message>
            <location line="+17" />
            <source>a control character</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">一个控制字符</translation>
        </message>
        <message>
            <location line="+8" />
            <source>not a host name or IP address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不是主机名或 IP 地址</translation>
        </message>
    </context>
    <context>
        <name>Transports</name>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="+133" />
            <source>{path} is not a regular file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} 不是普通文件</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{path} is not executable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} 不可执行</translation>
        </message>
        <message>
            <location line="+58" />
            <location filename="../../desktop/byway/transports/managed_pt.py" line="+222" />
            <source>{path} could not be started ({error})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} 无法启动（{error}）</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="-78" />
            <source>the transport program exited before it was ready</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">传输程序在准备就绪前就退出了</translation>
        </message>
        <message>
            <location line="+5" />
            <source>unsupported managed-mode version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不支持的 managed-mode 版本</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the transport program refused: {detail}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">传输程序拒绝了：{detail}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the transport program does not offer {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">传输程序不提供 {names}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the upstream proxy was not accepted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">上游代理未被接受</translation>
        </message>
        <message>
            <location line="+65" />
            <source>the transport program did not get ready in time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">传输程序没有按时准备就绪</translation>
        </message>
        <message>
            <location line="+33" />
            <source>the SOCKS proxy refused to log in</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS 代理拒绝登录</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport refused the bridge arguments</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">传输方式拒绝了网桥参数</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport could not connect: {word}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">传输方式无法连接：{word}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="+178" />
            <source>{first} or {second}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first}或{second}</translation>
        </message>
        <message>
            <location line="+19" />
            <source>{transport} needs tor, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} 需要 tor，但没有找到</translation>
        </message>
        <message>
            <location line="+5" />
            <source>plain bridges need only tor ({tor} at {path})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">普通网桥只需要 tor（{tor}，位于 {path}）</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{transport} is carried by {program} at {path}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} 由位于 {path} 的 {program} 承载</translation>
        </message>
        <message>
            <location line="+10" />
            <source>{transport} needs {needed}; only {found} was found, which does not support it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} 需要 {needed}；只找到了 {found}，它不支持此方式</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{transport} needs {needed}, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} 需要 {needed}，但没有找到</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{reason} ({detail})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{reason}（{detail}）</translation>
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <location filename="../../desktop/byway/ui/tray.py" line="+30" />
            <source>Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">断开连接</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Show Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">显示 Byway</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">退出</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Byway: not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway：未连接</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: testing the network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway：正在测试网络</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway：正在连接</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway：已连接</translation>
        </message>
    </context>
    <context>
        <name>Ui</name>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="+157" />
            <source>{what} is not available in this build of Byway ({detail}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">此版本的 Byway 中没有 {what}（{detail}）。</translation>
        </message>
        <message>
            <location line="+59" />
            <source>Advice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">建议</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+4" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在连接</translation>
        </message>
        <message>
            <location line="+189" />
            <source>Demo mode: no request is sent, so Moat is not asked for bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示模式：不发送任何请求，所以不会向 Moat 请求网桥。</translation>
        </message>
    </context>
    <context>
        <name>WelcomePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="+18" />
            <source>Find a way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">找到一条出路</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Byway tests what this network blocks, explains it in plain words, recommends the way out most likely to work, and connects you through Tor.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway 会测试这个网络封锁了什么，用通俗的话解释，推荐最可能成功的出路，并通过 Tor 为你连接。</translation>
        </message>
        <message>
            <location line="+8" />
            <source>I understand, and I want to run the tests</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">我明白，我想运行测试</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Consent to testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">同意测试</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tick to agree to the tests described above; nothing is tested without it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">勾选以同意上面描述的测试；不勾选则不会进行任何测试</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connect without testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">不测试，直接连接</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Skip the network test and go straight to the recommended ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">跳过网络测试，直接查看推荐的出路</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Test this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">测试这个网络(&amp;T)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start testing which sites and which ways to Tor this network blocks</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">开始测试这个网络封锁了哪些网站、哪些通往 Tor 的方式</translation>
        </message>
    </context>
    <context>
        <name>Words</name>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="+19" />
            <source>Plain Tor (no bridge)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">直接连接 Tor（不用网桥）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 网桥</translation>
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
            <translation type="unfinished">meek（经由云服务商）</translation>
        </message>
        <message>
            <location line="+1" />
            <source>WebTunnel bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">WebTunnel 网桥</translation>
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
            <translation type="unfinished">普通网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">你自己的网桥</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在启动 Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Starting the bridge's transport</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在启动网桥的传输程序</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reaching the bridge</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在连接网桥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在连接你的代理</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已连接到你的代理</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在连接 Tor 网络</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to a first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已连接到第一个中继</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Greeting the first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在与第一个中继握手</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The first relay answered</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">第一个中继已响应</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Opening an encrypted directory connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在建立加密的目录连接</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在请求中继列表</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在加载中继列表</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the directory keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在加载目录密钥</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在请求中继详情</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在加载中继详情</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Enough is known to build a path</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已掌握足够信息来建立线路</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+1" />
            <location line="+7" />
            <source>Building a path through Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在建立通过 Tor 的线路</translation>
        </message>
        <message>
            <location line="-6" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">已连接</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Learning about the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">正在了解 Tor 网络</translation>
        </message>
        <message>
            <location line="+7" />
            <source>The bridge or relay could not be reached: it is probably blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">无法连到网桥或中继：它在这里很可能被封锁了。</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The connection was cut during the handshake: this network may recognise this way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">连接在握手时被切断：这个网络可能识别出了这种方式。</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor stopped while loading the directory: check that your computer's clock is right.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor 在加载目录时停止：请检查电脑的时钟是否正确。</translation>
        </message>
    </context>
    <context>
        <name>window</name>
        <message>
            <location filename="../../desktop/byway/ui/app.py" line="+123" />
            <source>Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">演示模式</translation>
        </message>
    </context>
</TS>