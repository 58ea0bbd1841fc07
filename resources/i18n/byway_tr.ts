<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="tr_TR">
    <!-- Byway translation. The translations in this file were machine-drafted and await review by a native speaker: every message still marked unfinished is such a draft. Keep Tor, obfs4, Snowflake, meek, VPN, DNS and SOCKS in Latin script, and every {placeholder} exactly. -->
    <context>
        <name>Advice</name>
        <message>
            <location filename="../../desktop/byway/advise.py" line="+146" />
            <source>the Tor relays answered a handshake from here in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor röleleri buradan bir el sıkışmaya {ms} ms içinde yanıt verdi</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Tor's own handshake is blocked here (connections open, then stall)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'un kendi el sıkışması burada engelli (bağlantılar açılıyor, sonra takılıyor)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the Tor relays are blocked by address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor röleleri adres üzerinden engelli</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor röleleri tanılama sırasında yanıt verdi</translation>
        </message>
        <message>
            <location line="+2" />
            <source>only some Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">tanılama sırasında yalnızca bazı Tor röleleri yanıt verdi</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the Tor Project's advice for this country is that no bridge is needed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project'e göre bu ülkede köprüye gerek yok</translation>
        </message>
        <message>
            <location line="+3" />
            <source>bridges are usually needed in this country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu ülkede genellikle köprü gerekir</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain Tor is the fastest way when it is not blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">doğrudan Tor, engellenmediğinde en hızlı yoldur</translation>
        </message>
        <message>
            <location line="+22" />
            <source>handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el sıkışma</translation>
        </message>
        <message>
            <location line="+2" />
            <source>connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bağlantı</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{name} bridge {n} completed a {what} in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} köprüsü {n}, bir {what} işlemini {ms} ms içinde tamamladı</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{count} that did not answer were left out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">yanıt vermeyen {count} tanesi dışarıda bırakıldı</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+11" />
            <source>obfs4 bridges can be reached, but their handshakes were reset or stalled</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 köprülerine ulaşılabiliyor, ama el sıkışmaları kesildi ya da takıldı</translation>
        </message>
        <message>
            <location line="-7" />
            <source>none of these {name} bridges could be reached from here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu {name} köprülerinin hiçbirine buradan ulaşılamadı</translation>
        </message>
        <message>
            <location line="+33" />
            <source>these are your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bunlar sizin kendi köprüleriniz</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 köprüleri Tor trafiğini gizler ve herkese açık röle listelerinde yer almaz</translation>
        </message>
        <message>
            <location line="+1" />
            <source>snowflake looks like a video call and changes proxies often</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake bir görüntülü görüşmeye benzer ve proxy'leri sık sık değiştirir</translation>
        </message>
        <message>
            <location line="+1" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek büyük bir bulut sağlayıcısı üzerinden geçer; engellenmesi zordur ama yavaştır</translation>
        </message>
        <message>
            <location line="+3" />
            <source>webtunnel looks like an ordinary visit to a website</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">webtunnel sıradan bir web sitesi ziyaretine benzer</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain bridges are not on public relay lists, but look like Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">düz köprüler herkese açık röle listelerinde yoktur ama Tor'a benzer</translation>
        </message>
        <message>
            <location line="+3" />
            <source>conjure hides among unused addresses of a friendly network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">conjure, dost bir ağın kullanılmayan adresleri arasında gizlenir</translation>
        </message>
        <message>
            <location line="+6" />
            <source>this network seems to recognise Tor-like traffic; {name} looks like the web</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu ağ Tor'a benzeyen trafiği tanıyor gibi görünüyor; {name} sıradan web trafiğine benzer</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the Tor Project's bridge service recommends it for your network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project'in köprü hizmeti bunu ağınız için öneriyor</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the saved advice for {country} recommends it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{country} için kayıtlı öneri bunu tavsiye ediyor</translation>
        </message>
        <message>
            <location line="+45" />
            <source>no program for these bridges was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu köprüler için bir program bulunamadı</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the program for {name} was not looked for</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} için program aranmadı</translation>
        </message>
        <message>
            <location line="+23" />
            <source>this worked on this network last time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu, geçen sefer bu ağda işe yaradı</translation>
        </message>
        <message>
            <location line="+34" />
            <source>Nothing can be tried on this computer: the programs needed are missing.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu bilgisayarda hiçbir şey denenemiyor: gereken programlar eksik.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is the backup</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} yedek seçenek</translation>
        </message>
        <message>
            <location line="+4" />
            <source>{first}; {next}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first}; {next}</translation>
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
            <translation type="unfinished">Bu ağdan dışarıya hiçbir şey ulaşmıyor, hiç engellenmeyen siteler bile: bu bir engelleme değil, bir kesinti. Bağlantı geri gelene kadar hiçbir çıkış yolu işe yaramaz.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="+25" />
            <source>The Tor relays did not answer in the test, so plain Tor will probably fail.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor röleleri testte yanıt vermedi; bu yüzden doğrudan Tor büyük olasılıkla başarısız olur.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The Tor relays answered in the test: plain Tor is the fastest way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor röleleri testte yanıt verdi: doğrudan Tor en hızlı yoldur.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>This network inspects Tor's handshake; obfs4 may be recognised as well.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağ Tor'un el sıkışmasını (handshake) inceliyor; obfs4 de tanınabilir.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 köprüleri Tor trafiğini gizler ve herkese açık röle listelerinde yer almaz.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Snowflake looks like a video call and changes proxies often.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake bir görüntülü görüşmeye benzer ve proxy'leri sık sık değiştirir.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek büyük bir bulut sağlayıcısı üzerinden geçer; engellenmesi zordur ama yavaştır.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network: this looks like a shutdown. No way out can work now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağdan dışarıya hiçbir şey ulaşmıyor: bu bir kesintiye benziyor. Şu anda hiçbir çıkış yolu işe yaramaz.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tor's own handshake is blocked here: start with snowflake, which looks like a video call.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'un kendi el sıkışması burada engelli: görüntülü görüşmeye benzeyen Snowflake ile başlayın.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor's public relays are blocked by address: start with obfs4 bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'un herkese açık röleleri adres üzerinden engelli: obfs4 köprüleriyle başlayın.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor's relays answered: plain Tor first, with bridges as a fallback.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor röleleri yanıt verdi: önce doğrudan Tor, yedek olarak köprüler.</translation>
        </message>
    </context>
    <context>
        <name>AdvicePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="+24" />
            <source>The way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çıkış yolu</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway tries these in order. Untick a way to skip it, or move it up or down.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway bunları sırayla dener. Bir yolu atlamak için işaretini kaldırın ya da yukarı veya aşağı taşıyın.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Ways out, best first</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çıkış yolları, en iyisi önce</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each way out with the reasons for its place; tick or untick with Space</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Her çıkış yolu ve sıradaki yerinin nedenleri; Boşluk tuşuyla işaretleyin ya da işareti kaldırın</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Move &amp;up</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Y&amp;ukarı taşı</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way earlier</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Seçili yolu daha önce dene</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move &amp;down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Aşağı taşı</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way later</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Seçili yolu daha sonra dene</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Yeniden test et</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the network tests again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ağ testlerini yeniden çalıştır</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Bağlan</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Connect through Tor, trying the ways in this order</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yolları bu sırayla deneyerek Tor üzerinden bağlan</translation>
        </message>
        <message>
            <location line="+30" />
            <source>not available on this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu bilgisayarda kullanılamıyor</translation>
        </message>
    </context>
    <context>
        <name>BridgeLine</name>
        <message>
            <location filename="../../desktop/byway/transports/bridge_errors.py" line="+63" />
            <source>line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">satır {number}: {problem}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="+99" />
            <source>the address must be an IP address and a port, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">adres bir IP adresi ve bir bağlantı noktası olmalı, örneğin 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+8" />
            <source>IPv6 addresses must be written in brackets, like [2001:db8::1]:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IPv6 adresleri köşeli parantez içinde yazılmalı, örneğin [2001:db8::1]:443</translation>
        </message>
        <message>
            <location line="+24" />
            <source>the address is not a valid IPv4 or IPv6 address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">adres geçerli bir IPv4 ya da IPv6 adresi değil</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the port must be a number from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bağlantı noktası 1 ile 65535 arasında bir sayı olmalı</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the fingerprint must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">parmak izi (fingerprint) metin olmalı</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{transport} bridges need a fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} köprüleri adresten sonra bir parmak izi (fingerprint) gerektirir</translation>
        </message>
        <message>
            <location line="+37" />
            <source>arguments must be pairs of text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bağımsız değişkenler metin çiftleri olmalı</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the argument {key} appears more than once</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} bağımsız değişkeni birden fazla kez geçiyor</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a plain bridge has only an address and a fingerprint; found {key}=...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">düz bir köprüde yalnızca bir adres ve bir parmak izi olur; {key}=... bulundu</translation>
        </message>
        <message>
            <location line="+8" />
            <source>{transport} bridges need the argument {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} köprüleri {key}= bağımsız değişkenini gerektirir</translation>
        </message>
        <message>
            <location line="+18" />
            <source>an obfs4 bridge takes only cert= and iat-mode=; found {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir obfs4 köprüsü yalnızca cert= ve iat-mode= alır; {key}= bulundu</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the fingerprint= argument differs from the fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fingerprint= bağımsız değişkeni, adresten sonraki parmak iziyle aynı değil</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is not a transport Byway knows; expected one of: {known}, or a plain IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name}, Byway'in bildiği bir taşıyıcı değil; şunlardan biri bekleniyordu: {known} ya da düz bir IP:PORT</translation>
        </message>
        <message>
            <location line="+18" />
            <source>a bridge line must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırı metin olmalı</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the bridge line is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırı boş</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the bridge line needs an address, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırında bir adres olmalı, örneğin 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+18" />
            <source>unexpected text {text}; after the address only key=value arguments may follow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">beklenmeyen metin {text}; adresten sonra yalnızca anahtar=değer bağımsız değişkenleri gelebilir</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="+70" />
            <source>the bridge line is {length} characters long; the limit is {limit}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırı {length} karakter uzunluğunda; sınır {limit}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the bridge line contains '#' at position {position}; it is not allowed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırının {position}. konumunda '#' var; buna izin verilmiyor</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the bridge line contains a control character ({codepoint}) at position {position}; a bridge line is a single line of plain text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırının {position}. konumunda bir denetim karakteri ({codepoint}) var; köprü satırı tek satırlık düz bir metindir</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the bridge line contains a character that is not plain ASCII ({codepoint}) at position {position}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırının {position}. konumunda düz ASCII olmayan bir karakter ({codepoint}) var</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the fingerprint must be 40 hexadecimal characters; got {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">parmak izi 40 onaltılık karakter olmalı; {count} karakter var</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the fingerprint must contain only hexadecimal characters (0-9, A-F)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">parmak izi yalnızca onaltılık karakterler (0-9, A-F) içermeli</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the argument name {key} is not allowed; names use only letters, digits, '_' and '-'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} bağımsız değişken adına izin verilmiyor; adlarda yalnızca harf, rakam, '_' ve '-' kullanılır</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the argument {key} has no value</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} bağımsız değişkeninin değeri yok</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} contains characters that are not allowed (letters, digits and . _ , : + / = - only)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} değerinde izin verilmeyen karakterler var (yalnızca harf, rakam ve . _ , : + / = -)</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the value of {key} contains characters that are not allowed in a URL</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} değerinde bir URL'de izin verilmeyen karakterler var</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the value of {key} must be an http or https address with a host name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} değeri, ana makine adı olan bir http ya da https adresi olmalı</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} must not contain a user name or password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{key} değeri kullanıcı adı ya da parola içermemeli</translation>
        </message>
        <message>
            <location line="+22" />
            <source>the obfs4 cert must be 70 characters of base64 without '=' padding; got {count} characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 cert değeri '=' dolgusu olmadan 70 karakterlik base64 olmalı; {count} karakter var</translation>
        </message>
        <message>
            <location line="+13" />
            <source>the obfs4 cert does not decode to a valid 52-byte certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 cert değeri geçerli 52 baytlık bir sertifikaya çözülmüyor</translation>
        </message>
        <message>
            <location line="+9" />
            <source>iat-mode must be 0, 1 or 2; got {value}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">iat-mode 0, 1 ya da 2 olmalı; {value} verildi</translation>
        </message>
    </context>
    <context>
        <name>BridgesTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="+36" />
            <source>Built-in bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yerleşik köprüler</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Which of the bridges that come with Byway to use</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ile gelen köprülerden hangisi kullanılsın</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Choose for me</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Benim için seç</translation>
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
            <translation type="unfinished">Hiçbiri</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Built-in bridges:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yerleşik köprüler:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Request bridges...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü &amp;iste...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Ask the Tor Project for private bridges, after solving a captcha</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bir captcha çözdükten sonra Tor Project'ten özel köprüler iste</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Your own bridges, one per line:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kendi köprüleriniz, her satıra bir tane:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kendi köprüleriniz</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Paste bridge lines here, one per line; each line is checked as you type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü satırlarını buraya yapıştırın, her satıra bir tane; her satır siz yazarken denetlenir</translation>
        </message>
        <message>
            <location line="+9" />
            <source>&amp;Save bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüleri &amp;kaydet</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep these bridges for the next connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu köprüleri bir sonraki bağlantı için sakla</translation>
        </message>
        <message>
            <location line="+23" />
            <source>{count} private bridges from the Tor Project are kept as secrets and used first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project'ten alınan {count} özel köprü gizli bilgi olarak saklanır ve önce bunlar kullanılır.</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kaydedildi.</translation>
        </message>
    </context>
    <context>
        <name>Catalog</name>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="+130" />
            <source>the bridge list is not in the expected format: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü listesi beklenen biçimde değil: {what}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>a bridge kind name is not a short lowercase word</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir köprü türü adı kısa, küçük harfli bir sözcük değil</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridges of kind {kind} are not a list of at most {limit} lines</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{kind} türündeki köprüler en fazla {limit} satırlık bir liste değil</translation>
        </message>
        <message>
            <location line="+6" />
            <source>bridges of kind {kind} are not supported</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{kind} türündeki köprüler desteklenmiyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir köprü satırı metin değil</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a {transport} bridge is listed under {kind}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir {transport} köprüsü {kind} altında listelenmiş</translation>
        </message>
        <message>
            <location line="+16" />
            <source>the document is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">belge bir JSON nesnesi değil</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no "bridges" object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">"bridges" nesnesi yok</translation>
        </message>
        <message>
            <location line="+3" />
            <source>recommendedDefault is not a bridge kind name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">recommendedDefault bir köprü türü adı değil</translation>
        </message>
        <message>
            <location line="+9" />
            <source>pluggableTransports is not a set of single-line templates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">pluggableTransports tek satırlık şablonlardan oluşan bir küme değil</translation>
        </message>
        <message>
            <location line="+34" />
            <source>the Moat answer is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat yanıtı bir JSON nesnesi değil</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the bridge server answered with an error</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü sunucusu bir hatayla yanıt verdi</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridge server sent no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü sunucusu kullanılabilir köprü göndermedi</translation>
        </message>
        <message>
            <location line="+28" />
            <location line="+3" />
            <source>the saved list has no date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kayıtlı listede tarih yok</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the saved list has no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kayıtlı listede kullanılabilir köprü yok</translation>
        </message>
    </context>
    <context>
        <name>Cli</name>
        <message>
            <location filename="../../desktop/byway/cli.py" line="+26" />
            <source>Find out what this network blocks, learn which way out should work, and connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağın neyi engellediğini öğrenin, hangi çıkış yolunun işe yarayacağını görün ve bağlanın.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>keep everything (settings, secrets, tor state) under DIR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">her şeyi (ayarlar, gizli bilgiler, Tor durumu) DIR altında tut</translation>
        </message>
        <message>
            <location line="+6" />
            <source>check this copy of Byway (window, demo diagnosis, bundled tor and transports) and exit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in bu kopyasını denetle (pencere, tanıtım teşhisi, birlikte gelen tor ve taşıyıcılar) ve çık</translation>
        </message>
        <message>
            <location line="+7" />
            <source>run the desktop app against a simulated network (no traffic at all): iran-2022, china-gfw, russia-2022, shutdown, or a scenario .toml file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">masaüstü uygulamasını benzetilmiş bir ağa karşı çalıştır (hiç trafik yok): iran-2022, china-gfw, russia-2022, shutdown ya da bir senaryo .toml dosyası</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Cannot use {path} as the portable folder: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} taşınabilir klasör olarak kullanılamıyor: {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges_args.py" line="+23" />
            <source>list, check, add and remove bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprüleri listele, denetle, ekle ve kaldır</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in and your own bridges: list them, check which transports work here, add, remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yerleşik ve kendi köprüleriniz: listeleyin, burada hangi taşıyıcıların çalıştığını denetleyin, ekleyin, kaldırın.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>same as 'byway bridges check'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">'byway bridges check' ile aynı</translation>
        </message>
        <message>
            <location line="+5" />
            <source>show built-in and your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">yerleşik ve kendi köprülerinizi göster</translation>
        </message>
        <message>
            <location line="+1" />
            <source>show your bridges in full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprülerinizi tam olarak göster</translation>
        </message>
        <message>
            <location line="+2" />
            <source>which transports can run here, and why</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">burada hangi taşıyıcılar çalışabilir ve neden</translation>
        </message>
        <message>
            <location line="+4" />
            <source>also pre-check the Tor network and the bridges from this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ağını ve köprüleri bu ağdan önceden de denetle</translation>
        </message>
        <message>
            <location line="+2" />
            <source>seconds per check</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">denetim başına saniye</translation>
        </message>
        <message>
            <location line="+2" />
            <source>add your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kendi köprülerinizi ekleyin</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bridge line (quote it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir köprü satırı (tırnak içinde)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not store the bridges; use them only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprüleri saklama; yalnızca bu oturumda kullan</translation>
        </message>
        <message>
            <location line="+3" />
            <source>remove one of your bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprülerinizden birini kaldırın</translation>
        </message>
        <message>
            <location line="+1" />
            <source>its id from 'list' or its line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">'list' çıktısındaki kimliği ya da satırı</translation>
        </message>
        <message>
            <location line="+2" />
            <source>fetch fresh built-in bridges from Moat</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat'tan yeni yerleşik köprüleri indir</translation>
        </message>
        <message>
            <location line="+5" />
            <source>reach Moat through meek domain fronting (when it is blocked)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat'a meek domain fronting ile ulaş (engelli olduğunda)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="+44" />
            <source>Passphrase of Byway's vault: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway kasasının parolası: </translation>
        </message>
        <message>
            <location line="+3" />
            <source>The vault needs its passphrase (or set {name}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasa parolasını istiyor (ya da {name} değişkenini ayarlayın).</translation>
        </message>
        <message>
            <location line="+8" />
            <source>unknown date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bilinmeyen tarih</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in bridges ({source}, as of {date}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yerleşik köprüler ({source}, {date} itibarıyla):</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Your bridges: none.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüleriniz: yok.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your bridges ({count}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüleriniz ({count}):</translation>
        </message>
        <message>
            <location line="+4" />
            <source>(addresses hidden; add --show to see them)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">(adresler gizli; görmek için --show ekleyin)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Line {n}: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Satır {n}: {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Nothing was added: correct the lines above.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hiçbir şey eklenmedi: yukarıdaki satırları düzeltin.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{count} bridges checked; kept only for this session, nothing was stored.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} köprü denetlendi; yalnızca bu oturum için tutuldu, hiçbir şey saklanmadı.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Added {added} bridges ({total} in all), kept in: {where}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{added} köprü eklendi (toplam {total}), saklandığı yer: {where}.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You have no bridges of your own to remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kaldırılacak kendi köprünüz yok.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>No bridge of yours matches {which}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprülerinizden hiçbiri {which} ile eşleşmiyor.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Removed {id}; {count} left.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{id} kaldırıldı; {count} kaldı.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>available</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kullanılabilir</translation>
        </message>
        <message>
            <location line="+0" />
            <source>unavailable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kullanılamıyor</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ağı</translation>
        </message>
        <message>
            <location line="+2" />
            <location filename="../../desktop/byway/commands/diagnose.py" line="+106" />
            <source>reachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ulaşılabilir</translation>
        </message>
        <message>
            <location line="+25" />
            <source>there is no meek bridge line to front with</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">domain fronting için bir meek köprü satırı yok</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect_args.py" line="+43" />
            <source>expected a two-letter country code, like IR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">iki harfli bir ülke kodu bekleniyordu, örneğin IR</translation>
        </message>
        <message>
            <location line="+14" />
            <source>connect to Tor the best way this network allows, and stay connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'a bu ağın izin verdiği en iyi yolla bağlan ve bağlı kal</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start Tor with the best way out for this network, show its progress, print the SOCKS address to use, and keep the connection up until Ctrl-C.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'u bu ağ için en iyi çıkış yoluyla başlatır, ilerlemesini gösterir, kullanılacak SOCKS adresini yazdırır ve Ctrl-C'ye kadar bağlantıyı açık tutar.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>a bridge line to use (repeat for several)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kullanılacak bir köprü satırı (birden fazlası için tekrarlayın)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>an upstream proxy: http://, https://, socks4:// or socks5://[user:pass@]host:port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir üst proxy: http://, https://, socks4:// ya da socks5://[kullanıcı:parola@]anamakine:port</translation>
        </message>
        <message>
            <location line="+5" />
            <source>keep tor's state per profile</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor durumunu profil başına tut</translation>
        </message>
        <message>
            <location line="+2" />
            <source>default: any free port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">varsayılan: herhangi bir boş bağlantı noktası</translation>
        </message>
        <message>
            <location line="+7" />
            <source>where to ask for this country's circumvention settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu ülkenin sansür aşma ayarlarının nereden isteneceği</translation>
        </message>
        <message>
            <location line="+3" />
            <source>do not ask Moat; use the built-in map</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Moat'a sorma; yerleşik haritayı kullan</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect.py" line="+85" />
            <source>Checking which ways out answer from here...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Buradan hangi çıkış yollarının yanıt verdiği denetleniyor...</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Your saved bridges are not used this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kayıtlı köprüleriniz bu kez kullanılmıyor: {why}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>you asked for it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">siz istediniz</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Tor without a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüsüz Tor.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>custom needs at least one --bridge LINE</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">custom en az bir --bridge SATIR gerektirir</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Your bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüleriniz.</translation>
        </message>
        <message>
            <location line="+16" />
            <source>One way, as asked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İstendiği gibi tek bir yol.</translation>
        </message>
        <message>
            <location line="+66" />
            <source>Nothing in the plan can run here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Plandaki hiçbir şey burada çalışamaz.</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Connected with {way} in {seconds:.1f} s. Press Ctrl-C to disconnect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{way} ile {seconds:.1f} sn içinde bağlanıldı. Bağlantıyı kesmek için Ctrl-C'ye basın.</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Those bridges do not use {transport}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu köprüler {transport} kullanmıyor.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Disconnected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantı kesildi.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose_args.py" line="+24" />
            <source>expected IP:PORT, for example 8.8.8.8:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP:PORT bekleniyordu, örneğin 8.8.8.8:53</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected NAME=IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">AD=IP:PORT bekleniyordu</translation>
        </message>
        <message>
            <location line="+16" />
            <source>find out what this network blocks, and how</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bu ağın neyi nasıl engellediğini öğren</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test websites and the Tor network from here, compare with an uncensored control, and explain what is blocked and how. Without URLs, Byway's default list is tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Web sitelerini ve Tor ağını buradan test eder, sansürsüz bir kontrol noktasıyla karşılaştırır ve neyin nasıl engellendiğini açıklar. URL verilmezse Byway'in varsayılan listesi test edilir.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>addresses to test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">test edilecek adresler</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a file of URLs</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">URL'lerden oluşan bir dosya</translation>
        </message>
        <message>
            <location line="+2" />
            <source>print OONI-format measurements, one per line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">OONI biçiminde ölçümleri her satıra bir tane yazdır</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not ask a test helper</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">test yardımcısına sorma</translation>
        </message>
        <message>
            <location line="+3" />
            <source>skip the UDP DNS test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">UDP DNS testini atla</translation>
        </message>
        <message>
            <location line="+2" />
            <source>skip DNS-over-HTTPS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS-over-HTTPS'i atla</translation>
        </message>
        <message>
            <location line="+4" />
            <source>use the --resolver answers instead of the system's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sistemin yanıtları yerine --resolver yanıtlarını kullan</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a Tor relay to test instead of the directory authorities (repeatable)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">dizin otoriteleri yerine test edilecek bir Tor rölesi (tekrarlanabilir)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>do not test the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ağını test etme</translation>
        </message>
        <message>
            <location line="+1" />
            <location filename="../../desktop/byway/commands/helper_args.py" line="+61" />
            <source>seconds per step</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">adım başına saniye</translation>
        </message>
        <message>
            <location line="+7" />
            <source>after a suspected trigger, leave that address and port alone this long</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">olası bir tetiklemeden sonra o adres ve bağlantı noktasına bu süre dokunma</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a fixed random order, to repeat a run</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir çalıştırmayı tekrarlamak için sabit bir rastgele sıra</translation>
        </message>
        <message>
            <location line="+5" />
            <source>consent to the tests without a prompt (for scripts)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">testleri sormadan onayla (betikler için)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="-27" />
            <source>No terminal to ask for consent: run again with --accept-risks to agree.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Onay istemek için terminal yok: kabul etmek için --accept-risks ile yeniden çalıştırın.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Nothing was tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hiçbir şey test edilmedi.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Testing {total} targets...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{total} hedef test ediliyor...</translation>
        </message>
        <message>
            <location line="+10" />
            <source>unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ulaşılamıyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">tamam</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">çalışmıyor (sansür değil)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bilinmiyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked ({how})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">engelli ({how})</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Durduruldu.</translation>
        </message>
        <message>
            <location line="+26" />
            <source>The report was withheld: your address could not be removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Rapor verilmedi: adresiniz rapordan çıkarılamadı.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper_args.py" line="-40" />
            <source>expected HOST:PORT, for example 127.0.0.1:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ANAMAKİNE:PORT bekleniyordu, örneğin 127.0.0.1:8080</translation>
        </message>
        <message>
            <location line="+11" />
            <source>expected IP:PORT, for example 127.0.0.1:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP:PORT bekleniyordu, örneğin 127.0.0.1:53</translation>
        </message>
        <message>
            <location line="+14" />
            <source>run a web-connectivity test helper (an uncensored control)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir web-connectivity test yardımcısı çalıştır (sansürsüz bir kontrol)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Serve OONI's web-connectivity test-helper protocol, so that probes elsewhere can compare what they see with what this network sees. Run it only on an uncensored network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">OONI'nin web-connectivity test yardımcısı protokolünü sunar; böylece başka yerlerdeki ölçüm araçları gördüklerini bu ağın gördüğüyle karşılaştırabilir. Yalnızca sansürsüz bir ağda çalıştırın.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>resolve names with this DNS server instead of the system resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">adları sistem çözümleyicisi yerine bu DNS sunucusuyla çöz</translation>
        </message>
        <message>
            <location line="+7" />
            <source>serve HTTPS with this certificate (PEM), so probes' requests are encrypted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTPS'i bu sertifikayla (PEM) sun; böylece ölçüm isteklerinin içeriği şifrelenir</translation>
        </message>
        <message>
            <location line="+3" />
            <source>its private key (PEM)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">özel anahtarı (PEM)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="+26" />
            <source>--tls-cert and --tls-key go together.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">--tls-cert ile --tls-key birlikte kullanılır.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Cannot use that certificate and key: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu sertifika ve anahtar kullanılamıyor: {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/logging_setup.py" line="+35" />
            <source>keep a diagnostic log in Byway's log folder (addresses and bridges are removed from it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in günlük klasöründe bir tanılama günlüğü tut (adresler ve köprüler çıkarılır)</translation>
        </message>
        <message>
            <location line="+35" />
            <source>No diagnostic log this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu kez tanılama günlüğü yok: {why}</translation>
        </message>
    </context>
    <context>
        <name>ConnectedPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="+23" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlandı</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Point your applications at this SOCKS5 proxy. Tor Browser needs no setting.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Uygulamalarınızı bu SOCKS5 proxy'sine yönlendirin. Tor Browser için ayar gerekmez.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>SOCKS address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS adresi</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The address and port of the SOCKS5 proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS5 proxy'sinin adresi ve bağlantı noktası</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cop&amp;y</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Kopyala</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the SOCKS address to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS adresini panoya kopyala</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Demo: this address is made up and nothing listens there. No traffic was sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo: bu adres uydurmadır ve orada dinleyen bir şey yok. Hiç trafik gönderilmedi.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>&amp;Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantıyı &amp;kes</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop Tor and close the connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'u durdur ve bağlantıyı kapat</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connected with {way} in {seconds:.0f} s.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{way} ile {seconds:.0f} sn içinde bağlanıldı.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Copied.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kopyalandı.</translation>
        </message>
    </context>
    <context>
        <name>ConnectingPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="+25" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlanıyor</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+42" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor başlatılıyor</translation>
        </message>
        <message>
            <location line="-40" />
            <source>Connection progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantı ilerlemesi</translation>
        </message>
        <message>
            <location line="+0" />
            <source>How far Tor has got</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'un ne kadar ilerlediği</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+1" />
            <location line="+26" />
            <source>Show log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Günlüğü göster</translation>
        </message>
        <message>
            <location line="-27" />
            <source>Show or hide Tor's messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'un mesajlarını göster ya da gizle</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Connection log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantı günlüğü</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Every step Tor reported, with the time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'un bildirdiği her adım, saatiyle birlikte</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Back to the plan</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Plana dön</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Return to the ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çıkış yollarına dön</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İ&amp;ptal</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop connecting and stop Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlanmayı bırak ve Tor'u durdur</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Hide log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Günlüğü gizle</translation>
        </message>
        <message>
            <location line="+30" />
            <location line="+3" />
            <source>Trying {way}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{way} deneniyor</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlı değil</translation>
        </message>
    </context>
    <context>
        <name>Consent</name>
        <message>
            <location filename="../../desktop/byway/consent.py" line="+17" />
            <source>Before Byway tests this network, please know:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway bu ağı test etmeden önce lütfen şunları bilin:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>- Anyone who watches this connection (your internet provider, your employer, a government) can see that these tests are running and which sites they try.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Bu bağlantıyı izleyen herkes (internet sağlayıcınız, işvereniniz, bir hükümet) bu testlerin yapıldığını ve hangi siteleri denediklerini görebilir.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Some of the sites Byway tests may be illegal or frowned upon where you are. You can test only the addresses you choose instead.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway'in test ettiği sitelerin bazıları bulunduğunuz yerde yasa dışı olabilir ya da hoş karşılanmayabilir. Bunun yerine yalnızca kendi seçtiğiniz adresleri test edebilirsiniz.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Byway uploads nothing. Results stay on this computer unless you share them yourself.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway hiçbir şey yüklemez. Sonuçlar, siz kendiniz paylaşmadıkça bu bilgisayarda kalır.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Type yes to run the tests, or anything else to stop: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Testleri çalıştırmak için evet yazın, durdurmak için başka herhangi bir şey yazın: </translation>
        </message>
        <message>
            <location line="+9" />
            <source>yes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">evet</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="+33" />
            <source>Something went wrong</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bir şeyler ters gitti</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway hit a problem it did not expect. Your connection settings are safe. If you report this, copy the text below: addresses and bridges have been removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway beklemediği bir sorunla karşılaştı. Bağlantı ayarlarınız güvende. Bunu bildirirseniz aşağıdaki metni kopyalayın: adresler ve köprüler metinden çıkarıldı.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Problem report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sorun raporu</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Technical details, scrubbed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Teknik ayrıntılar, temizlenmiş</translation>
        </message>
        <message>
            <location line="+5" />
            <location line="+1" />
            <source>Copy report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Raporu kopyala</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the scrubbed report to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Temizlenmiş raporu panoya kopyala</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Close</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kapat</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close this message</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu mesajı kapat</translation>
        </message>
    </context>
    <context>
        <name>Demo</name>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="+111" />
            <source>Demo scenario {file}, {field}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo senaryosu {file}, {field}: {problem}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>expected a number from {low} to {high}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{low} ile {high} arasında bir sayı bekleniyordu</translation>
        </message>
        <message>
            <location line="+9" />
            <source>expected some text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir metin bekleniyordu</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{value} is not one of: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{value} şunlardan biri değil: {known}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected a [[site]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir [[site]] tablosu bekleniyordu</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a blockpage needs an http:// address (HTTPS is reset instead)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir engelleme sayfası http:// adresi gerektirir (HTTPS bunun yerine kesilir)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>no file blockpages/{name}.html</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">blockpages/{name}.html dosyası yok</translation>
        </message>
        <message>
            <location line="+15" />
            <source>expected a [[way]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir [[way]] tablosu bekleniyordu</translation>
        </message>
        <message>
            <location line="+15" />
            <source>a scenario needs at least one [[site]]</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir senaryoda en az bir [[site]] olmalı</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected [[way]] tables</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">[[way]] tabloları bekleniyordu</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected a [tor] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir [tor] tablosu bekleniyordu</translation>
        </message>
        <message>
            <location line="+30" />
            <source>There is no demo scenario called {name}. Known scenarios: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} adında bir demo senaryosu yok. Bilinen senaryolar: {known}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="+47" />
            <source>None of the ways in the plan could connect. Try again later, or add a private bridge in Settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Plandaki yolların hiçbiri bağlanamadı. Daha sonra yeniden deneyin ya da Ayarlar'dan özel bir köprü ekleyin.</translation>
        </message>
        <message>
            <location line="+39" />
            <source>tor reported {reason} at {progress}%: this way is blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor %{progress} noktasında {reason} bildirdi: bu yol burada engelli.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>No progress past {progress}% for a while: moving on to the next way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bir süredir %{progress} noktasından ileri gidilemedi: sonraki yola geçiliyor.</translation>
        </message>
    </context>
    <context>
        <name>DemoScenario</name>
        <message>
            <location filename="../../desktop/byway/demo/words.py" line="+17" />
            <source>China, the Great Firewall</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çin, Büyük Güvenlik Duvarı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Iran, autumn 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İran, 2022 sonbaharı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Russia, 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Rusya, 2022</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A full shutdown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tam kesinti</translation>
        </message>
        <message>
            <source>Modelled on the GFW: forged DNS answers from known poison addresses, SNI resets, IP blocking; Tor relays and public bridges blocked; Snowflake gets through, slowly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">GFW örnek alındı: bilinen zehirleme adreslerinden sahte DNS yanıtları, SNI sıfırlamaları, IP engelleme; Tor röleleri ve herkese açık köprüler engelli; Snowflake yavaşça geçiyor.</translation>
        </message>
        <message>
            <source>Show the forged DNS answers first: 8.7.198.45 and 46.82.174.68 are published GFW poison addresses,
and the details name them. Google's encrypted connection is reset by name (SNI) and the New York
Times' address is black-holed. Baidu works. Every directory authority is unreachable by address, and
the public obfs4 bridges stall at 2%: they are on the blocklist, and since about 2021 the GFW also
detects traffic that looks fully random. Snowflake connects, slowly. The lesson: private bridges
and transports that look like something else. Modelled on published research; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Önce sahte DNS yanıtlarını gösterin: 8.7.198.45 ve 46.82.174.68 yayımlanmış GFW zehirleme adresleridir ve ayrıntılarda adları geçer. Google'ın şifreli bağlantısı ada göre (SNI) sıfırlanır ve New York Times'ın adresi kara deliğe düşer. Baidu çalışır. Dizin otoritelerinin hiçbirine adres üzerinden ulaşılamaz ve herkese açık obfs4 köprüleri %2'de takılır: engelleme listesindedirler ve yaklaşık 2021'den beri GFW tamamen rastgele görünen trafiği de algılıyor. Snowflake yavaşça bağlanır. Ders: özel köprüler ve başka bir şeye benzeyen taşıyıcılar. Yayımlanmış araştırmalar örnek alındı; yaklaşıktır.</translation>
        </message>
        <message>
            <source>Modelled on Iran during the Mahsa Amini protests: DNS tampering, SNI resets and HTTP blockpages; Tor relays and public obfs4 bridges blocked; Snowflake gets through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mahsa Amini protestoları sırasındaki İran örnek alındı: DNS kurcalama, SNI sıfırlamaları ve HTTP engelleme sayfaları; Tor röleleri ve herkese açık obfs4 köprüleri engelli; Snowflake geçiyor.</translation>
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
            <translation type="unfinished">İş başındaki üç katmanı gösterin: Instagram'ın şifreli bağlantısı ada göre (SNI) kesilir, WhatsApp'ın adı özel bir 10.10.34.x adresine çözülür (DNS enjeksiyonu) ve düz HTTP ile BBC Persian ulusal engelleme sayfasını döndürür (10.10.34.34'e giden iframe). Wikipedia ve yerli alışveriş sitesi hâlâ çalışır: bu bir kesinti değil, hedefli sansürdür. Tor röleleri hiç yanıt vermez ve herkese açık obfs4 köprüleri %2'de takılır: 2022'de İran'dan Snowflake kullanıcıları yaklaşık 20 binden yaklaşık 100 bine çıktı. O sonbaharın gece mobil kesintileri için "shutdown" senaryosuna geçin. OONI ve Tor Project raporları örnek alındı; sayılar yaklaşıktır.</translation>
        </message>
        <message>
            <source>Modelled on Russia in 2022: torproject.org and social networks blocked, Twitter throttled, Tor's handshake recognised by DPI; bridges get through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">2022'deki Rusya örnek alındı: torproject.org ve sosyal ağlar engelli, Twitter yavaşlatılmış, Tor'un el sıkışması DPI ile tanınıyor; köprüler geçiyor.</translation>
        </message>
        <message>
            <source>The Russian filter (TSPU) works by name and by protocol: Facebook and Instagram are reset, the plain-
HTTP page of torproject.org returns the RKN blockpage, and Twitter loads but crawls (throttling by
SNI in 2021 held it near 130-150 kbit/s; Byway does not call slowness censorship, so say it aloud).
Tor's relays accept a TCP connection, but the TLS handshake is reset: Tor is recognised by its
fingerprint, so plain Tor fails at the handshake. Snowflake and obfs4 bridges worked for most users;
Tor's user numbers from Russia recovered with bridges. Modelled on OONI and Tor reports; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Rus filtresi (TSPU) ada ve protokole göre çalışır: Facebook ve Instagram sıfırlanır, torproject.org'un düz HTTP sayfası RKN engelleme sayfasını döndürür ve Twitter yüklenir ama sürünür (2021'de SNI'ye göre yavaşlatma onu yaklaşık 130-150 kbit/s'de tuttu; Byway yavaşlığa sansür demez, bu yüzden bunu sesli söyleyin). Tor röleleri TCP bağlantısını kabul eder ama TLS el sıkışması sıfırlanır: Tor parmak izinden tanınır, bu yüzden doğrudan Tor el sıkışmada başarısız olur. Snowflake ve obfs4 köprüleri çoğu kullanıcı için çalıştı; Rusya'dan Tor kullanıcı sayısı köprülerle toparlandı. OONI ve Tor raporları örnek alındı; yaklaşıktır.</translation>
        </message>
        <message>
            <source>Nothing leaves the country: every site, encrypted DNS and every Tor relay time out. No transport can help.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ülkeden hiçbir şey çıkmıyor: her site, şifreli DNS ve her Tor rölesi zaman aşımına uğruyor. Hiçbir taşıyıcı yardımcı olamaz.</translation>
        </message>
        <message>
            <source>Let the diagnosis run to the end: every probe times out, including the control-side checks, DNS over
HTTPS and Tor's relays. Byway says "No Internet" instead of listing blocked sites, and the advice page
recommends no transport, because none can work until the network comes back. This is what Myanmar's
nightly shutdowns from 2021 and Iran's regional mobile shutdowns in 2022 looked like from a phone.
Use it to talk about offline preparation: saved bridges, mesh messengers, and knowing the difference.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tanılamanın sonuna kadar çalışmasına izin verin: kontrol tarafındaki denetimler, DNS-over-HTTPS ve Tor röleleri dahil her yoklama zaman aşımına uğrar. Byway engelli siteleri listelemek yerine "İnternet yok" der ve öneri sayfası hiçbir taşıyıcı önermez, çünkü ağ geri gelene kadar hiçbiri işe yaramaz. Myanmar'ın 2021'den itibaren gece kesintileri ve İran'ın 2022'deki bölgesel mobil kesintileri bir telefondan böyle görünüyordu. Bunu çevrimdışı hazırlık hakkında konuşmak için kullanın: kayıtlı köprüler, mesh mesajlaşma uygulamaları ve farkı bilmek.</translation>
        </message>
    </context>
    <context>
        <name>DiagnosePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="+26" />
            <source>Testing this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağ test ediliyor</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+43" />
            <source>Getting ready...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hazırlanıyor...</translation>
        </message>
        <message>
            <location line="-39" />
            <source>Test progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Test ilerlemesi</translation>
        </message>
        <message>
            <location line="+1" />
            <source>How many of the sites and Tor relays have been tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sitelerin ve Tor rölelerinin kaçının test edildiği</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sites and relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Siteler ve röleler</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each site and Tor relay being tested, and what was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Test edilen her site ve Tor rölesi ve bulunanlar</translation>
        </message>
        <message>
            <location line="+2" />
            <source>What</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ne</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Result</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sonuç</translation>
        </message>
        <message>
            <location line="+7" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İ&amp;ptal</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop the tests now; nothing more is sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Testleri şimdi durdur; artık hiçbir şey gönderilmez</translation>
        </message>
        <message>
            <location line="+26" />
            <source>waiting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bekliyor</translation>
        </message>
        <message>
            <location line="+23" />
            <location line="+4" />
            <source>{done} of {total} tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{total} taneden {done} tanesi test edildi</translation>
        </message>
        <message>
            <location line="+7" />
            <source>testing...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">test ediliyor...</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Tor relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor röleleri</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{ok} of {done} answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{done} taneden {ok} tanesi yanıt veriyor</translation>
        </message>
        <message>
            <location line="-14" />
            <source>blocked: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">engelli: {how}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>works</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">çalışıyor</translation>
        </message>
        <message>
            <location line="+2" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">yanıt yok</translation>
        </message>
        <message>
            <location line="-14" />
            <source>Seen so far: {techniques}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Şimdiye kadar görülen: {techniques}</translation>
        </message>
    </context>
    <context>
        <name>Findings</name>
        <message>
            <location filename="../../desktop/byway/analyze/words.py" line="+23" />
            <source>NXDOMAIN (no such name)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">NXDOMAIN (böyle bir ad yok)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SERVFAIL (server failure)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SERVFAIL (sunucu hatası)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>REFUSED</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">REFUSED (reddedildi)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">yanıt yok</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bogon address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir bogon adresi</translation>
        </message>
        <message>
            <location line="+1" />
            <source>timeout</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">zaman aşımı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>reset</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sıfırlandı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">reddedildi</translation>
        </message>
        <message>
            <location line="+1" />
            <source>connection closed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bağlantı kapandı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>host unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ana makineye ulaşılamıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate for another name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">başka bir ada ait sertifika</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate from an unknown authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bilinmeyen bir otoriteden sertifika</translation>
        </message>
        <message>
            <location line="+1" />
            <source>invalid certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">geçersiz sertifika</translation>
        </message>
        <message>
            <location line="+1" />
            <source>failed handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">başarısız el sıkışma</translation>
        </message>
        <message>
            <location line="+3" />
            <source>success</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">başarılı</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the ISP resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">internet sağlayıcısının çözümleyicisi</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the encrypted resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">şifreli çözümleyici {resolver}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{resolver} çözümleyicisi</translation>
        </message>
        <message>
            <location line="+4" />
            <source>nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">hiçbir şey</translation>
        </message>
        <message>
            <location line="+4" />
            <source>country unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ülke bilinmiyor</translation>
        </message>
        <message>
            <location line="+15" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS enjeksiyonu: {resolver} {addresses} yanıtını verdi; bu bir bogon ve bilinen bir enjektörün adresi ({fingerprint}, {countries}); kontrol noktası {control} buldu</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS enjeksiyonu: {resolver}, {subject} için {addresses} yanıtını verdi; bu bilinen bir enjektörün adresi ({fingerprint}, {countries}); kontrol noktası {control} buldu</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late}; an injector raced the genuine resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS enjeksiyonu: {resolver}, {subject} için iki farklı yanıt gönderdi: önce {addresses}, sonra {late}; bir enjektör gerçek çözümleyiciyle yarıştı</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS enjeksiyonu: {resolver} {addresses} yanıtını verdi, bir bogon; kontrol noktası {control} buldu</translation>
        </message>
        <message>
            <location line="+4" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}; the control found {control}, on another network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS enjeksiyonu: {resolver}, {subject} için {addresses} yanıtını verdi; kontrol noktası başka bir ağda {control} buldu</translation>
        </message>
        <message>
            <location line="+14" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake without a name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI filtreleme: {subject} için ClientHello'dan sonra {failure}; aynı IP ad olmadan el sıkışmayı tamamlıyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake for a benign name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI filtreleme: {subject} için ClientHello'dan sonra {failure}; aynı IP zararsız bir adla el sıkışmayı tamamlıyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure}; the control's handshake validates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS müdahalesi: {subject} için gerçek bir adres olan {endpoint}, {failure} sundu; kontrol noktasının el sıkışması doğrulanıyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: every handshake with {endpoint} for {subject} ends in {failure}, though TCP connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS müdahalesi: {subject} için {endpoint} ile her el sıkışma {failure} ile bitiyor, oysa TCP bağlanıyor</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP engelleme sayfası: {subject}, {fingerprint} engelleme sayfasını döndürdü ({countries})</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{percent}% of its length</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">uzunluğunun %{percent}'i</translation>
        </message>
        <message>
            <location line="+2" />
            <source>length not compared</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">uzunluk karşılaştırılmadı</translation>
        </message>
        <message>
            <location line="+2" />
            <source>HTTP diff: the page for {subject} differs from the control's (status {status} vs {control_status}, {proportion}); no known blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP farkı: {subject} sayfası kontrol noktasınınkinden farklı (durum {status} / {control_status}, {proportion}); bilinen bir engelleme sayfası değil</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP failure: fetching {subject} failed ({failure}); the control fetched it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP hatası: {subject} alınamadı ({failure}); kontrol noktası onu aldı</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS engelleme: {resolver}, {subject} için {failure} verdi; kontrol noktası onu {control} olarak çözüyor</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Şifreli DNS engelli: DNS-over-HTTPS çözümleyicisi {subject} ulaşılamıyor ({failure})</translation>
        </message>
        <message>
            <location line="+7" />
            <source>IP black hole: connecting to {endpoint} times out; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP kara deliği: {endpoint} adresine bağlantı zaman aşımına uğruyor; kontrol noktası bağlanıyor</translation>
        </message>
        <message>
            <location line="+4" />
            <source>IP blocking: connecting to {endpoint} fails ({failure}); the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP engelleme: {endpoint} adresine bağlantı başarısız ({failure}); kontrol noktası bağlanıyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TCP reset injection: the connection for {subject} was reset after the request was sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP sıfırlama enjeksiyonu: {subject} bağlantısı istek gönderildikten sonra sıfırlandı</translation>
        </message>
        <message>
            <location line="+5" />
            <source>TCP reset injection: the connection to {endpoint} was {failure}; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP sıfırlama enjeksiyonu: {endpoint} bağlantısı {failure}; kontrol noktası bağlanıyor</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Site down: {subject} fails from outside too ({failure}); this is not censorship</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Site çalışmıyor: {subject} dışarıdan da başarısız oluyor ({failure}); bu sansür değil</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after a trigger</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Test edilmedi: {subject} az önce yoklandı ve bazı sansürcüler bir tetiklemeden sonra dakikalarca engellemeyi sürdürür</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS engelleme</translation>
        </message>
        <message>
            <location line="+1" />
            <source>DNS injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS enjeksiyonu</translation>
        </message>
        <message>
            <location line="+1" />
            <source>encrypted DNS blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">şifreli DNS engelli</translation>
        </message>
        <message>
            <location line="+1" />
            <source>IP black hole</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">IP kara deliği</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TCP reset injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TCP sıfırlama enjeksiyonu</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS SNI filtering</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS SNI filtreleme</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS interference</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">TLS müdahalesi</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP engelleme sayfası</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP diff</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP farkı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP failure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP hatası</translation>
        </message>
        <message>
            <location line="+1" />
            <source>site down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">site çalışmıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>not tested (pacing)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">test edilmedi (bekleme)</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{list}, {item}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{list}, {item}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{first} and {last}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} ve {last}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays. This looks like a shutdown or an outage, not censorship of particular sites.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İnternet yok: hiçbir şey yanıt vermedi; yurt dışındaki siteler, şifreli DNS ya da Tor röleleri bile. Bu, belirli sitelerin sansürlenmesi değil, bir kesinti ya da arızaya benziyor.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>blocks Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'u engelliyor</translation>
        </message>
        <message>
            <location line="+2" />
            <source>tampers with DNS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS'i kurcalıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocks some addresses</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bazı adresleri engelliyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>filters encrypted connections by name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">şifreli bağlantıları ada göre filtreliyor</translation>
        </message>
        <message>
            <location line="+2" />
            <source>interferes with encrypted connections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">şifreli bağlantılara müdahale ediyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>tampers with web pages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">web sayfalarını kurcalıyor</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Your network {actions}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ağınız {actions}.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>We found no censorship of the sites tested, but some Tor relays could not be reached.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Test edilen sitelerde sansür bulamadık, ama bazı Tor rölelerine ulaşılamadı.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>We found no sign of censorship on this network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağda hiçbir sansür belirtisi bulamadık.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{layer}: no interference seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: müdahale görülmedi</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{technique} ({count} of {total} targets)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{technique} ({total} hedeften {count} tanesi)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{layer}: interfered with: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: müdahale var: {how}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: directory authorities not tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: dizin otoriteleri test edilmedi</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: all {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: {tested} dizin otoritesinin hepsi yanıt veriyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: {reachable} of {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: {tested} dizin otoritesinden {reachable} tanesi yanıt veriyor</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor: blocked by address: none of {tested} directory authorities accepts a connection, while websites work</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: adres üzerinden engelli: web siteleri çalışırken {tested} dizin otoritesinin hiçbiri bağlantı kabul etmiyor</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake completes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: engelli: {tested} dizin otoritesine bağlantılar açılıyor ama hiçbir TLS el sıkışması tamamlanmıyor</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: no directory authority answers, like everything else</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: geri kalan her şey gibi hiçbir dizin otoritesi yanıt vermiyor</translation>
        </message>
    </context>
    <context>
        <name>GeneralTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+49" />
            <source>Language</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Dil</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The language of Byway's window and messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway penceresinin ve mesajlarının dili</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Same as the system</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sistemle aynı</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Language:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Dil:</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Where secrets are kept...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgilerin &amp;saklandığı yer...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Choose between keeping secrets for this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgileri yalnızca bu oturum için tutmak ile Byway'in şifreli kasası arasında seçim yapın</translation>
        </message>
        <message>
            <location line="+5" />
            <source>&amp;Change the vault passphrase...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasa parolasını &amp;değiştir...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the vault's current passphrase, then choose a new one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasanın geçerli parolasını yazın, ardından yeni bir parola seçin</translation>
        </message>
        <message>
            <location line="+13" />
            <source>&amp;Forget everything...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Her şeyi &amp;unut...</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete Byway's settings, saved bridges, passwords, Tor state and logs from this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in ayarlarını, kayıtlı köprüleri, parolaları, Tor durumunu ve günlükleri bu bilgisayardan sil</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Secrets are kept in the system keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgiler sistem anahtarlığında tutuluyor.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Secrets are kept in Byway's own vault, protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgiler Byway'in parolayla korunan kendi kasasında tutuluyor.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets are kept only until Byway closes, and never written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgiler yalnızca Byway kapanana kadar tutulur ve hiçbir zaman diske yazılmaz.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Portable mode: everything stays in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Taşınabilir kip: her şey {folder} içinde kalır.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Installed mode: settings are in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kurulu kip: ayarlar {folder} içinde.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>The vault's passphrase was changed. From now on, only the new one opens it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasanın parolası değiştirildi. Bundan sonra onu yalnızca yeni parola açar.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Something unexpected went wrong. The passphrase was not changed: the vault still opens with its current passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Beklenmeyen bir şey ters gitti. Parola değiştirilmedi: kasa hâlâ geçerli parolasıyla açılıyor.</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Forget everything?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Her şey unutulsun mu?</translation>
        </message>
        <message>
            <location line="+2" />
            <source>This deletes Byway's settings, your saved bridges and passwords, Tor's state and the logs from this computer. It cannot be undone.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu işlem Byway'in ayarlarını, kayıtlı köprülerinizi ve parolalarınızı, Tor durumunu ve günlükleri bu bilgisayardan siler. Geri alınamaz.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forget everything</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Her şeyi unut</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Some things could not be deleted: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bazı şeyler silinemedi: {what}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Everything Byway kept on this computer has been deleted.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in bu bilgisayarda tuttuğu her şey silindi.</translation>
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
            <translation type="unfinished">Gizli bilgilerin saklandığı yer...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Where secrets are kept</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgilerin saklandığı yer</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose between this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yalnızca bu oturum ile Byway'in şifreli kasası arasında seçim yapın</translation>
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
            <translation type="unfinished">&amp;Ayarlar</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Demo kipi</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çı&amp;k</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Help</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Yardım</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Presenter's note</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Sunucu notu</translation>
        </message>
        <message>
            <location line="+23" />
            <source>DEMO: simulated network ({name}). Nothing is sent anywhere.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DEMO: benzetilmiş ağ ({name}). Hiçbir yere hiçbir şey gönderilmiyor.</translation>
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
            <translation type="unfinished">Taşınabilir kip</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Installed mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kurulu kip</translation>
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
            <translation type="unfinished">Beklenmeyen bir şey ters gitti.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Something unexpected went wrong. A report is shown in a separate window.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Beklenmeyen bir şey ters gitti. Ayrı bir pencerede bir rapor gösteriliyor.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tests stopped. Nothing more is being sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Testler durduruldu. Artık hiçbir şey gönderilmiyor.</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Tests finished: {headline}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Testler bitti: {headline}</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Checking which ways out can be reached from here (a few seconds)...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Buradan hangi çıkış yollarına ulaşılabildiği denetleniyor (birkaç saniye)...</translation>
        </message>
        <message>
            <location line="+103" />
            <source>Requesting bridges is not available in this build.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu sürümde köprü istemek mümkün değil.</translation>
        </message>
    </context>
    <context>
        <name>Moat</name>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="+116" />
            <source>it is not JSON</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">JSON değil</translation>
        </message>
        <message>
            <location line="+2" />
            <source>it is nested too deeply</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">çok derin iç içe geçmiş</translation>
        </message>
        <message>
            <location line="+62" />
            <source>HTTP status {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">HTTP durumu {status}</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+5" />
            <source>it is too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">çok büyük</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server could not be reached ({error}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü sunucusuna ulaşılamadı ({error}).</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="+93" />
            <source>The bridge server did not understand the request.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü sunucusu isteği anlamadı.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The bridge server knows no working transport of those asked for here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü sunucusu burada istenenler arasında çalışan bir taşıyıcı bilmiyor.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The bridge server could not tell which country you are in; choose it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü sunucusu hangi ülkede olduğunuzu anlayamadı; ülkeyi seçin.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The bridge server refused the request's format.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü sunucusu isteğin biçimini reddetti.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The answer to the picture was wrong; try a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resmin yanıtı yanlıştı; yenisini deneyin.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The bridge server's answer was refused: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü sunucusunun yanıtı reddedildi: {what}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>an error without a code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kodu olmayan bir hata</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server answered with error {code}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü sunucusu {code} hatasıyla yanıt verdi.</translation>
        </message>
        <message>
            <location line="+22" />
            <source>bridge lines are not a list of at most {n}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">köprü satırları en fazla {n} öğelik bir liste değil</translation>
        </message>
        <message>
            <location line="+4" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir köprü satırı metin değil</translation>
        </message>
        <message>
            <location line="+17" />
            <source>settings are not a short list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ayarlar kısa bir liste değil</translation>
        </message>
        <message>
            <location line="+5" />
            <source>a setting has no bridges object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir ayarda köprü nesnesi yok</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a setting has no transport type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir ayarda taşıyıcı türü yok</translation>
        </message>
        <message>
            <location line="+20" />
            <source>there is no settings list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ayar listesi yok</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the country is not a two-letter code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ülke iki harfli bir kod değil</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the country map is not an object of countries</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ülke haritası ülkelerden oluşan bir nesne değil</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the country map has an entry that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ülke haritasında ülke olmayan bir girdi var</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the country list is not a list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ülke listesi bir liste değil</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the country list holds something that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ülke listesinde ülke olmayan bir şey var</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the built-in bridge list is not an object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">yerleşik köprü listesi bir nesne değil</translation>
        </message>
        <message>
            <location line="+8" />
            <source>there is no data item</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">veri öğesi yok</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the data item is of the wrong type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">veri öğesi yanlış türde</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the captcha image is missing or too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha resmi eksik ya da çok büyük</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the captcha challenge is missing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha sorusu eksik</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the captcha image is not base64</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha resmi base64 değil</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the captcha image is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">captcha resmi boş</translation>
        </message>
        <message>
            <location line="+9" />
            <source>no usable bridge came back</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kullanılabilir köprü gelmedi</translation>
        </message>
    </context>
    <context>
        <name>MoatDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/moat_dialog.py" line="+41" />
            <source>Request bridges from the Tor Project</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor Project'ten köprü iste</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the characters in the picture. The Tor Project then gives you bridges that are not published, so they are less likely to be blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resimdeki karakterleri yazın. Tor Project size yayımlanmamış köprüler verir; bu yüzden engellenme olasılıkları daha düşüktür.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Captcha picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Captcha resmi</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A picture of characters to type below; ask someone to read it if you cannot see it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Aşağıya yazılacak karakterleri gösteren bir resim; göremiyorsanız birinden okumasını isteyin</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Captcha answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Captcha yanıtı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the characters shown in the picture, then press Enter</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resimde görünen karakterleri yazın, sonra Enter'a basın</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;New picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Yeni resim</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Fetch a different picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Farklı bir resim getir</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Get bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüleri al</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Send the answer and receive bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yanıtı gönder ve köprüleri al</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İptal</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without requesting bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprü istemeden kapat</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Fetching a picture...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resim getiriliyor...</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The picture could not be shown. Ask for a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resim gösterilemedi. Yenisini isteyin.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Type what the picture shows.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resimde görüneni yazın.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Type what the picture shows first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Önce resimde görüneni yazın.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sending your answer...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yanıtınız gönderiliyor...</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Received {count} bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} köprü alındı.</translation>
        </message>
        <message>
            <location line="-15" />
            <source>That was not the right answer. Here is a new picture: try again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yanıt doğru değildi. İşte yeni bir resim: yeniden deneyin.</translation>
        </message>
        <message>
            <location line="+29" />
            <source>The request failed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İstek başarısız oldu.</translation>
        </message>
    </context>
    <context>
        <name>PassphraseDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/passphrase_dialog.py" line="+36" />
            <source>Change the vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasa parolasını değiştir</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type the current passphrase, then the new passphrase twice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Geçerli parolayı, ardından yeni parolayı iki kez yazın</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the passphrase that opens the vault now, then the new one twice. Your bridges and passwords stay in the vault; only the passphrase that opens it changes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasayı şu anda açan parolayı, ardından yenisini iki kez yazın. Köprüleriniz ve parolalarınız kasada kalır; yalnızca onu açan parola değişir.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Current passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Geçerli parola</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The passphrase that opens Byway's vault now</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in kasasını şu anda açan parola</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Current passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Geçerli parola:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeni parola</translation>
        </message>
        <message>
            <location line="+0" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in kasası için en az 8 karakterlik yeni bir parola</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeni parola:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeni parola yeniden</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Emin olmak için aynı parolayı yeniden yazın</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeniden:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Unutulan bir parolayı kurtarmanın yolu yoktur.</translation>
        </message>
        <message>
            <location line="+9" />
            <location line="+1" />
            <source>Change passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Parolayı değiştir</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Re-encrypt the vault under the new passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasayı yeni parolayla yeniden şifrele</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İptal</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without changing the passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Parolayı değiştirmeden kapat</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Type the passphrase that opens the vault now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasayı şu anda açan parolayı yazın.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">En az 8 karakterlik bir parola seçin.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İki parola aynı değil.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The new passphrase is the same as the current one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeni parola geçerli parolayla aynı.</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Checking the current passphrase and re-encrypting the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Geçerli parola denetleniyor ve kasa yeniden şifreleniyor...</translation>
        </message>
    </context>
    <context>
        <name>ProxyTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="+26" />
            <source>Only if this network lets nothing out except through a proxy.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yalnızca bu ağ bir proxy dışında hiçbir şeyin dışarı çıkmasına izin vermiyorsa.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Proxy type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy türü</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The kind of proxy, or none</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy'nin türü ya da hiçbiri</translation>
        </message>
        <message>
            <location line="+1" />
            <source>No proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy yok</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy host</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy ana makinesi</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's host name or address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy'nin ana makine adı ya da adresi</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy bağlantı noktası</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's port, 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy'nin bağlantı noktası, 1 ile 65535 arası</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy user name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy kullanıcı adı</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İsteğe bağlı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy parolası</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional; kept as a secret</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İsteğe bağlı; gizli bilgi olarak saklanır</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tür:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Host:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ana makine:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Port:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Port:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>User name:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kullanıcı adı:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Password:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Parola:</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Save &amp;proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Proxy'yi kaydet</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Use this proxy for every connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu proxy'yi her bağlantı için kullan</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kaydedildi.</translation>
        </message>
    </context>
    <context>
        <name>Report</name>
        <message>
            <location filename="../../desktop/byway/report/text.py" line="+24" />
            <source>cannot tell (the control did not answer)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">söylenemiyor (kontrol noktası yanıt vermedi)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>accessible</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">erişilebilir</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down everywhere (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">her yerde çalışmıyor (sansür değil)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>blocked (DNS)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">engelli (DNS)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (TCP/IP)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">engelli (TCP/IP)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (connection failed)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">engelli (bağlantı başarısız)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (page replaced)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">engelli (sayfa değiştirilmiş)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Targets: {total} tested, {blocked} blocked, {down} down everywhere</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hedefler: {total} test edildi, {blocked} engelli, {down} her yerde çalışmıyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Probes not sent, to avoid residual blocking from earlier probes: {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Önceki yoklamalardan kalan engellemeyi önlemek için gönderilmeyen yoklamalar: {count}</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{url}: {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{url}: {status}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Byway network report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway ağ raporu</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Measured {when} UTC, in {seconds} s</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ölçüm zamanı {when} UTC, {seconds} sn sürdü</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Targets</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hedefler</translation>
        </message>
    </context>
    <context>
        <name>Resources</name>
        <message>
            <location filename="../../desktop/byway/resources.py" line="+49" />
            <source>Byway's resources folder was not found near {place}; set {variable} to its location</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in kaynak klasörü {place} yakınında bulunamadı; konumunu {variable} değişkenine yazın</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="+22" />
            <source>What this network does</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağ ne yapıyor</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Overview by technique and site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yönteme ve siteye göre genel bakış</translation>
        </message>
        <message>
            <location line="+1" />
            <source>One row per site, one column per network layer; each cell says what was seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Her site için bir satır, her ağ katmanı için bir sütun; her hücre görüleni söyler</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+3" />
            <location line="+24" />
            <source>Show details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayrıntıları göster</translation>
        </message>
        <message>
            <location line="-26" />
            <source>Show or hide the evidence behind each finding</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Her bulgunun arkasındaki kanıtları göster ya da gizle</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayrıntılar</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Every finding with its evidence, in plain words</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Her bulgu kanıtıyla birlikte, sade bir dille</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Yeniden test et</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the tests once more</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Testleri bir kez daha çalıştır</translation>
        </message>
        <message>
            <location line="+3" />
            <source>See the &amp;way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çıkış &amp;yolunu gör</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Show the ways out that should work here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Burada işe yaraması beklenen çıkış yollarını göster</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Hide details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayrıntıları gizle</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Site</translation>
        </message>
        <message>
            <location line="+10" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">yanıt yok</translation>
        </message>
        <message>
            <location line="+2" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">tamam</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Nothing to report.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bildirilecek bir şey yok.</translation>
        </message>
    </context>
    <context>
        <name>SecretStorage</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="+44" />
            <source>Secrets: system keyring</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgiler: sistem anahtarlığı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Secrets: Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgiler: Byway'in şifreli kasası</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets: only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgiler: yalnızca bu oturum için</translation>
        </message>
        <message>
            <location line="+137" />
            <source>Byway runs in portable mode, so nothing is kept in this computer's keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway taşınabilir kipte çalışıyor; bu yüzden bu bilgisayarın anahtarlığında hiçbir şey tutulmaz.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>No system keyring answered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hiçbir sistem anahtarlığı yanıt vermedi.</translation>
        </message>
        <message>
            <location line="+39" />
            <source>Choose where Byway keeps bridges and passwords.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in köprüleri ve parolaları nerede tutacağını seçin.</translation>
        </message>
    </context>
    <context>
        <name>SelfTest</name>
        <message>
            <location filename="../../desktop/byway/selftest.py" line="+109" />
            <location line="+15" />
            <source>not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bulunamadı</translation>
        </message>
        <message>
            <location line="-21" />
            <source>{path} is the computer's copy, not the bundle's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} bilgisayarın kopyası, paketinki değil</translation>
        </message>
        <message>
            <location line="+25" />
            <source>{path} is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} boş</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Qt cannot be loaded: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Qt yüklenemiyor: {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the main window did not open</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ana pencere açılmadı</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the demo tested no sites</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">demo hiçbir siteyi test etmedi</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the advisor proposed nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">danışman hiçbir şey önermedi</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a bundle (running from source)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">paket değil (kaynak koddan çalışıyor)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway self-test: {where}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway öz denetimi: {where}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the user's folders</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">kullanıcının klasörleri</translation>
        </message>
        <message>
            <location line="+1" />
            <source>  files kept in: {place}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">  dosyaların tutulduğu yer: {place}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Self-test failed: {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Öz denetim başarısız: {names}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Self-test passed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Öz denetim başarılı.</translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="+53" />
            <source>Enter the proxy's host name or address, without spaces.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy'nin ana makine adını ya da adresini boşluksuz yazın.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Enter a port from 1 to 65535.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">1 ile 65535 arasında bir bağlantı noktası yazın.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS4 proxies take no user name or password.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS4 proxy'leri kullanıcı adı ya da parola almaz.</translation>
        </message>
        <message>
            <location line="+141" />
            <source>Secrets are not kept in Byway's vault now, so there is no passphrase to change.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgiler şu anda Byway'in kasasında tutulmuyor, bu yüzden değiştirilecek bir parola yok.</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+18" />
            <source>Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayarlar</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+8" />
            <source>Settings sections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayar bölümleri</translation>
        </message>
        <message>
            <location line="-8" />
            <source>Bridges, proxy, and general</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüler, proxy ve genel</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Köprüler</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Pro&amp;xy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pro&amp;xy</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;General</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Genel</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a section with the arrow keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ok tuşlarıyla bir bölüm seçin</translation>
        </message>
        <message>
            <location line="+2" />
            <source>D&amp;one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Tamam</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close the settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayarları kapat</translation>
        </message>
    </context>
    <context>
        <name>StorageDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="-173" />
            <source>Where should Byway keep your secrets?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway gizli bilgilerinizi nerede tutsun?</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Keep only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yalnızca bu oturum için tut</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are forgotten when Byway closes; nothing is written to disk</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüler ve parolalar Byway kapanınca unutulur; diske hiçbir şey yazılmaz</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+1" />
            <source>Keep in Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in şifreli kasasında tut</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are saved in a file that only your passphrase opens</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüler ve parolalar yalnızca sizin parolanızın açtığı bir dosyaya kaydedilir</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forgotten when Byway closes. Nothing is written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway kapanınca unutulur. Diske hiçbir şey yazılmaz.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasa parolası</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The passphrase that opens Byway's vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in kasasını açan parola</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'in kasası için en az 8 karakterlik yeni bir parola</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Parola:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Parola yeniden</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Emin olmak için aynı parolayı yeniden yazın</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeniden:</translation>
        </message>
        <message>
            <location line="+5" />
            <source>A vault already exists here: type its passphrase to open it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Burada zaten bir kasa var: açmak için parolasını yazın.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Unutulan bir parolayı kurtarmanın yolu yoktur.</translation>
        </message>
        <message>
            <location line="+8" />
            <location line="+1" />
            <source>Continue</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Devam</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep secrets the way chosen above</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgileri yukarıda seçilen şekilde tut</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">En az 8 karakterlik bir parola seçin.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İki parola aynı değil.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Type the vault's passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasanın parolasını yazın.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Opening the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kasa açılıyor...</translation>
        </message>
    </context>
    <context>
        <name>Store</name>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="+24" />
            <source>the drive is read-only</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sürücü salt okunur</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">klasör artık yok</translation>
        </message>
        <message>
            <location line="+2" />
            <source>permission was refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">izin reddedildi</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the drive is full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sürücü dolu</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="+31" />
            <source>Byway cannot save to {path}: {detail}. Nothing saved earlier was lost. If Byway runs from a removable drive, check that it is plugged in and not write-protected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway {path} konumuna kaydedemiyor: {detail}. Daha önce kaydedilen hiçbir şey kaybolmadı. Byway çıkarılabilir bir sürücüden çalışıyorsa takılı olduğunu ve yazmaya karşı korunmadığını denetleyin.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>No system keyring was found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu bilgisayarda sistem anahtarlığı bulunamadı.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring is locked and could not be unlocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sistem anahtarlığı kilitli ve kilidi açılamadı.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring refused to store Byway's secrets.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sistem anahtarlığı Byway'in gizli bilgilerini saklamayı reddetti.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The only keyring available stores secrets unencrypted in a file, so Byway will not use it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kullanılabilen tek anahtarlık gizli bilgileri bir dosyada şifrelemeden saklıyor; bu yüzden Byway onu kullanmayacak.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The system keyring did not answer correctly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sistem anahtarlığı doğru yanıt vermedi.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You can keep secrets only until Byway closes, or in Byway's own vault file protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Gizli bilgileri yalnızca Byway kapanana kadar ya da Byway'in parolayla korunan kendi kasa dosyasında tutabilirsiniz.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>The passphrase is not correct for this vault.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Parola bu kasa için doğru değil.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The vault file {path} is damaged or was altered ({detail}). Byway will not use its contents.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} kasa dosyası hasarlı ya da değiştirilmiş ({detail}). Byway içeriğini kullanmayacak.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/locations.py" line="+76" />
            <location filename="../../desktop/byway/store/settings.py" line="+248" />
            <source>the portable folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">taşınabilir klasör artık yok</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/settings.py" line="-42" />
            <source>Your settings were saved by a different version of Byway and cannot be read. They were kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayarlarınız Byway'in farklı bir sürümüyle kaydedilmiş ve okunamıyor. {moved_to} olarak saklandı; Byway varsayılan ayarlarla başlıyor.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Your settings file was damaged and cannot be read. It was kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ayar dosyanız hasarlıydı ve okunamıyor. {moved_to} olarak saklandı; Byway varsayılan ayarlarla başlıyor.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="+124" />
            <source>not a Byway vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir Byway kasası değil</translation>
        </message>
        <message>
            <location line="+3" />
            <source>unknown vault version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bilinmeyen kasa sürümü</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the file is truncated</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">dosya kesik</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header was changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">başlık değiştirilmiş</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header is not valid</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">başlık geçerli değil</translation>
        </message>
        <message>
            <location line="+55" />
            <source>the encrypted contents were changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">şifreli içerik değiştirilmiş</translation>
        </message>
    </context>
    <context>
        <name>Targets</name>
        <message>
            <location filename="../../desktop/byway/targets.py" line="+40" />
            <source>Only http:// and https:// addresses can be tested: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yalnızca http:// ve https:// adresleri test edilebilir: {url}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>This is not a web address: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu bir web adresi değil: {url}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Cannot read the target file {path}: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} hedef dosyası okunamıyor: {reason}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{path}, line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path}, satır {number}: {problem}</translation>
        </message>
    </context>
    <context>
        <name>Tor</name>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="+17" />
            <source>Tor could not connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor bağlanamadı.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Try another way out, or try again later.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Başka bir çıkış yolu deneyin ya da daha sonra yeniden deneyin.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>A setting for Tor was refused ({key}: {why}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor için bir ayar reddedildi ({key}: {why}).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check the bridge lines and proxy you entered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Girdiğiniz köprü satırlarını ve proxy'yi denetleyin.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The Tor program was not found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu bilgisayarda Tor programı bulunamadı.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Install Tor (the 'tor' package), or use the portable Byway that carries it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor'u kurun ('tor' paketi) ya da Tor'u içinde taşıyan taşınabilir Byway'i kullanın.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor stopped unexpectedly (exit status {code}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor beklenmedik şekilde durdu (çıkış durumu {code}).</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Try connecting again; if it keeps happening, save a report and share it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeniden bağlanmayı deneyin; tekrar olursa bir rapor kaydedip paylaşın.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Tor got stuck at {progress}% ({tag}): the bridge or relay could not be reached. This network probably blocks it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor %{progress} noktasında takıldı ({tag}): köprüye ya da röleye ulaşılamadı. Bu ağ büyük olasılıkla onu engelliyor.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while handshaking: the connection was reached but then disturbed, which is how deep packet inspection of this transport looks.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor el sıkışma sırasında %{progress} noktasında takıldı ({tag}): bağlantıya ulaşıldı ama sonra bozuldu; bu taşıyıcının derin paket incelemesiyle (DPI) yakalanması böyle görünür.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while loading the network's directory.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor, ağın dizinini yüklerken %{progress} noktasında takıldı ({tag}).</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Try another bridge or another transport (snowflake, meek, webtunnel).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Başka bir köprü ya da başka bir taşıyıcı deneyin (Snowflake, meek, webtunnel).</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Check that the computer's date, time and time zone are right, then retry.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bilgisayarın tarihinin, saatinin ve saat diliminin doğru olduğunu denetleyip yeniden deneyin.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Connections to Tor were refused at once: this network actively blocks them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor bağlantıları hemen reddedildi: bu ağ onları etkin olarak engelliyor.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor were cut off (reset): this network interferes with them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor bağlantıları kesildi (sıfırlandı): bu ağ onlara müdahale ediyor.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor timed out: this network silently drops them, or is very slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor bağlantıları zaman aşımına uğradı: bu ağ onları sessizce düşürüyor ya da çok yavaş.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no route to the Tor network: this computer may be offline, or it is blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ağına giden bir yol yok: bu bilgisayar çevrimdışı olabilir ya da yol engelli.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor could not reach the network ({reason}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ağa ulaşamadı ({reason}).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check that this computer is online, then try a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu bilgisayarın çevrimiçi olduğunu denetleyin, sonra bir köprü deneyin.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Use a bridge with a transport such as obfs4, snowflake or meek.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4, Snowflake ya da meek gibi bir taşıyıcıyla bir köprü kullanın.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>The program that carries the {transport} transport could not run.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} taşıyıcısını taşıyan program çalışamadı.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install obfs4proxy or lyrebird (and snowflake-client for snowflake), or pick another way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4proxy ya da lyrebird (Snowflake için de snowflake-client) kurun ya da başka bir yol seçin.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>This computer's clock is off by about {minutes} minutes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu bilgisayarın saati yaklaşık {minutes} dakika kaymış.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Set the right date, time and time zone, then connect again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Doğru tarihi, saati ve saat dilimini ayarlayın, sonra yeniden bağlanın.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor could not connect through the proxy {proxy}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor {proxy} proxy'si üzerinden bağlanamadı.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Check the proxy's address, port, user name and password, or remove it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy'nin adresini, bağlantı noktasını, kullanıcı adını ve parolasını denetleyin ya da proxy'yi kaldırın.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>There was nothing to try: the plan had no usable way out.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Denenecek bir şey yoktu: planda kullanılabilir bir çıkış yolu yoktu.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>None of the ways out worked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çıkış yollarının hiçbiri işe yaramadı.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install a transport, or add a bridge you got from a friend.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bir taşıyıcı kurun ya da güvendiğiniz birinden aldığınız bir köprüyü ekleyin.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="+53" />
            <source>Tor stopped unexpectedly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor beklenmedik şekilde durdu.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The transport program that carries the connection stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantıyı taşıyan taşıyıcı programı durdu.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Reconnecting…</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeniden bağlanıyor…</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Reconnected; the SOCKS address is {socks}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yeniden bağlandı; SOCKS adresi {socks}.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The connection was lost.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantı koptu.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/strategy.py" line="+244" />
            <source>Another way connected first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Başka bir yol önce bağlandı.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="+72" />
            <location line="+76" />
            <source>the port must be from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bağlantı noktası 1 ile 65535 arasında olmalı</translation>
        </message>
        <message>
            <location line="-74" />
            <source>a SOCKS4 proxy cannot take a password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir SOCKS4 proxy'si parola alamaz</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS5 user names and passwords stop at 255</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS5 kullanıcı adları ve parolaları en fazla 255 karakter olabilir</translation>
        </message>
        <message>
            <location line="+2" />
            <source>an HTTP user name cannot contain ':'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir HTTP kullanıcı adı ':' içeremez</translation>
        </message>
        <message>
            <location line="+24" />
            <source>expected a proxy like socks5://host:1080 or http://user:password@host:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">socks5://anamakine:1080 ya da http://kullanıcı:parola@anamakine:8080 gibi bir proxy bekleniyordu</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a directory authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir dizin otoritesi değil</translation>
        </message>
        <message>
            <location line="+24" />
            <source>a test network needs authorities</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir test ağının otoritelere ihtiyacı var</translation>
        </message>
        <message>
            <location line="+99" />
            <source>not an option name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir seçenek adı değil</translation>
        </message>
        <message>
            <location line="+17" />
            <source>a control character</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir denetim karakteri</translation>
        </message>
        <message>
            <location line="+8" />
            <source>not a host name or IP address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bir ana makine adı ya da IP adresi değil</translation>
        </message>
    </context>
    <context>
        <name>Transports</name>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="+133" />
            <source>{path} is not a regular file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} normal bir dosya değil</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{path} is not executable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} çalıştırılabilir değil</translation>
        </message>
        <message>
            <location line="+58" />
            <location filename="../../desktop/byway/transports/managed_pt.py" line="+222" />
            <source>{path} could not be started ({error})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} başlatılamadı ({error})</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="-78" />
            <source>the transport program exited before it was ready</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">taşıyıcı programı hazır olmadan sonlandı</translation>
        </message>
        <message>
            <location line="+5" />
            <source>unsupported managed-mode version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">desteklenmeyen managed-mode sürümü</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the transport program refused: {detail}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">taşıyıcı programı reddetti: {detail}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the transport program does not offer {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">taşıyıcı programı {names} sunmuyor</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the upstream proxy was not accepted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">üst proxy kabul edilmedi</translation>
        </message>
        <message>
            <location line="+65" />
            <source>the transport program did not get ready in time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">taşıyıcı programı zamanında hazır olmadı</translation>
        </message>
        <message>
            <location line="+33" />
            <source>the SOCKS proxy refused to log in</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SOCKS proxy'si oturum açmayı reddetti</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport refused the bridge arguments</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">taşıyıcı köprü bağımsız değişkenlerini reddetti</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport could not connect: {word}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">taşıyıcı bağlanamadı: {word}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="+178" />
            <source>{first} or {second}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} ya da {second}</translation>
        </message>
        <message>
            <location line="+19" />
            <source>{transport} needs tor, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} tor gerektirir, o da bulunamadı</translation>
        </message>
        <message>
            <location line="+5" />
            <source>plain bridges need only tor ({tor} at {path})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">düz köprüler yalnızca tor gerektirir ({tor}, konum: {path})</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{transport} is carried by {program} at {path}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport}, {path} konumundaki {program} tarafından taşınıyor</translation>
        </message>
        <message>
            <location line="+10" />
            <source>{transport} needs {needed}; only {found} was found, which does not support it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} {needed} gerektirir; yalnızca onu desteklemeyen {found} bulundu</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{transport} needs {needed}, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} {needed} gerektirir, o da bulunamadı</translation>
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
            <translation type="unfinished">Bağlan</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantıyı kes</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Show Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway'i göster</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Çık</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Byway: not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: bağlı değil</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: testing the network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: ağ test ediliyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: bağlanıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: bağlı</translation>
        </message>
    </context>
    <context>
        <name>Ui</name>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="+157" />
            <source>{what} is not available in this build of Byway ({detail}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{what} Byway'in bu sürümünde yok ({detail}).</translation>
        </message>
        <message>
            <location line="+59" />
            <source>Advice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Öneri</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+4" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlanıyor</translation>
        </message>
        <message>
            <location line="+189" />
            <source>Demo mode: no request is sent, so Moat is not asked for bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo kipi: hiçbir istek gönderilmez, bu yüzden Moat'tan köprü istenmez.</translation>
        </message>
    </context>
    <context>
        <name>WelcomePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="+18" />
            <source>Find a way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bir çıkış yolu bulun</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Byway tests what this network blocks, explains it in plain words, recommends the way out most likely to work, and connects you through Tor.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway bu ağın neyi engellediğini test eder, bunu sade bir dille açıklar, işe yarama olasılığı en yüksek çıkış yolunu önerir ve sizi Tor üzerinden bağlar.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>I understand, and I want to run the tests</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Anlıyorum ve testleri çalıştırmak istiyorum</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Consent to testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Test için onay</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tick to agree to the tests described above; nothing is tested without it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Yukarıda anlatılan testleri kabul etmek için işaretleyin; bu olmadan hiçbir şey test edilmez</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connect without testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Test etmeden bağlan</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Skip the network test and go straight to the recommended ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ağ testini atla ve doğrudan önerilen çıkış yollarına git</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Test this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağı &amp;test et</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start testing which sites and which ways to Tor this network blocks</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bu ağın hangi siteleri ve Tor'a giden hangi yolları engellediğini test etmeye başla</translation>
        </message>
    </context>
    <context>
        <name>Words</name>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="+19" />
            <source>Plain Tor (no bridge)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Doğrudan Tor (köprüsüz)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">obfs4 köprüleri</translation>
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
            <translation type="unfinished">meek (bir bulut sağlayıcısı üzerinden)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>WebTunnel bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">WebTunnel köprüleri</translation>
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
            <translation type="unfinished">Düz köprüler</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Kendi köprüleriniz</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor başlatılıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Starting the bridge's transport</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprünün taşıyıcısı başlatılıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reaching the bridge</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüye ulaşılıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy'nize bağlanılıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Proxy'nize bağlanıldı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ağına bağlanılıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to a first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İlk röleye bağlanıldı</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Greeting the first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İlk röleyle selamlaşılıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The first relay answered</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">İlk röle yanıt verdi</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Opening an encrypted directory connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Şifreli bir dizin bağlantısı açılıyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Röle listesi isteniyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Röle listesi yükleniyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the directory keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Dizin anahtarları yükleniyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Röle ayrıntıları isteniyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Röle ayrıntıları yükleniyor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Enough is known to build a path</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bir yol kurmaya yetecek kadar bilgi var</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+1" />
            <location line="+7" />
            <source>Building a path through Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor üzerinden bir yol kuruluyor</translation>
        </message>
        <message>
            <location line="-6" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlandı</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Learning about the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor ağı hakkında bilgi alınıyor</translation>
        </message>
        <message>
            <location line="+7" />
            <source>The bridge or relay could not be reached: it is probably blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Köprüye ya da röleye ulaşılamadı: büyük olasılıkla burada engelli.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The connection was cut during the handshake: this network may recognise this way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bağlantı el sıkışma sırasında kesildi: bu ağ bu yolu tanıyor olabilir.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor stopped while loading the directory: check that your computer's clock is right.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor dizini yüklerken durdu: bilgisayarınızın saatinin doğru olduğunu denetleyin.</translation>
        </message>
    </context>
    <context>
        <name>window</name>
        <message>
            <location filename="../../desktop/byway/ui/app.py" line="+123" />
            <source>Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo kipi</translation>
        </message>
    </context>
</TS>