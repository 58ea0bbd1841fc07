<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="es">
    <!-- Byway translation. The translations in this file were machine-drafted and await review by a native speaker: every message still marked unfinished is such a draft. Keep Tor, obfs4, Snowflake, meek, VPN, DNS and SOCKS in Latin script, and every {placeholder} exactly. -->
    <context>
        <name>Advice</name>
        <message>
            <location filename="../../desktop/byway/advise.py" line="+146" />
            <source>the Tor relays answered a handshake from here in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los relés de Tor respondieron a un handshake desde aquí en {ms} ms</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Tor's own handshake is blocked here (connections open, then stall)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el propio handshake de Tor está bloqueado aquí (las conexiones se abren y luego se quedan paradas)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the Tor relays are blocked by address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los relés de Tor están bloqueados por dirección</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los relés de Tor respondieron durante el diagnóstico</translation>
        </message>
        <message>
            <location line="+2" />
            <source>only some Tor relays answered during the diagnosis</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">solo algunos relés de Tor respondieron durante el diagnóstico</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the Tor Project's advice for this country is that no bridge is needed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">según el Tor Project, en este país no hace falta ningún puente</translation>
        </message>
        <message>
            <location line="+3" />
            <source>bridges are usually needed in this country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">en este país normalmente hacen falta puentes</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain Tor is the fastest way when it is not blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor directo es la vía más rápida cuando no está bloqueado</translation>
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
            <translation type="unfinished">conexión</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{name} bridge {n} completed a {what} in {ms} ms</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el puente {name} {n} completó un {what} en {ms} ms</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{count} that did not answer were left out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se dejaron fuera {count} que no respondieron</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+11" />
            <source>obfs4 bridges can be reached, but their handshakes were reset or stalled</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se puede llegar a los puentes obfs4, pero sus handshakes se cortaron o se quedaron parados</translation>
        </message>
        <message>
            <location line="-7" />
            <source>none of these {name} bridges could be reached from here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no se pudo llegar a ninguno de estos puentes {name} desde aquí</translation>
        </message>
        <message>
            <location line="+33" />
            <source>these are your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">son tus propios puentes</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los puentes obfs4 ocultan el tráfico de Tor y no aparecen en las listas públicas de relés</translation>
        </message>
        <message>
            <location line="+1" />
            <source>snowflake looks like a video call and changes proxies often</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake parece una videollamada y cambia de proxy a menudo</translation>
        </message>
        <message>
            <location line="+1" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek pasa por un gran proveedor de nube, que es difícil de bloquear; es lento</translation>
        </message>
        <message>
            <location line="+3" />
            <source>webtunnel looks like an ordinary visit to a website</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">webtunnel parece una visita normal a un sitio web</translation>
        </message>
        <message>
            <location line="+1" />
            <source>plain bridges are not on public relay lists, but look like Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los puentes simples no están en las listas públicas de relés, pero parecen Tor</translation>
        </message>
        <message>
            <location line="+3" />
            <source>conjure hides among unused addresses of a friendly network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">conjure se esconde entre direcciones sin usar de una red amiga</translation>
        </message>
        <message>
            <location line="+6" />
            <source>this network seems to recognise Tor-like traffic; {name} looks like the web</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">esta red parece reconocer el tráfico parecido a Tor; {name} parece tráfico web normal</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the Tor Project's bridge service recommends it for your network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el servicio de puentes del Tor Project lo recomienda para tu red</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the saved advice for {country} recommends it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el consejo guardado para {country} lo recomienda</translation>
        </message>
        <message>
            <location line="+45" />
            <source>no program for these bridges was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no se encontró ningún programa para estos puentes</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the program for {name} was not looked for</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no se buscó el programa para {name}</translation>
        </message>
        <message>
            <location line="+23" />
            <source>this worked on this network last time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">esto funcionó en esta red la última vez</translation>
        </message>
        <message>
            <location line="+34" />
            <source>Nothing can be tried on this computer: the programs needed are missing.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se puede probar nada en este ordenador: faltan los programas necesarios.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is the backup</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} es el respaldo</translation>
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
            <translation type="unfinished">Nada sale de esta red, ni siquiera los sitios que nunca se bloquean: es un apagón, no un bloqueo. Ninguna vía de salida puede funcionar hasta que vuelva la conexión.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/advisor.py" line="+25" />
            <source>The Tor relays did not answer in the test, so plain Tor will probably fail.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los relés de Tor no respondieron en la prueba, así que Tor directo probablemente fallará.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The Tor relays answered in the test: plain Tor is the fastest way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los relés de Tor respondieron en la prueba: Tor directo es la vía más rápida.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>This network inspects Tor's handshake; obfs4 may be recognised as well.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Esta red inspecciona el saludo inicial (handshake) de Tor; es posible que también reconozca obfs4.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>obfs4 bridges hide Tor's traffic and are not on public relay lists.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los puentes obfs4 ocultan el tráfico de Tor y no aparecen en las listas públicas de relés.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Snowflake looks like a video call and changes proxies often.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Snowflake parece una videollamada y cambia de proxy a menudo.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>meek goes through a large cloud provider, which is hard to block; it is slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">meek pasa por un gran proveedor de nube, que es difícil de bloquear; es lento.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Nothing reaches outside this network: this looks like a shutdown. No way out can work now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Nada sale de esta red: parece un apagón. Ahora mismo ninguna vía de salida puede funcionar.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tor's own handshake is blocked here: start with snowflake, which looks like a video call.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El propio handshake de Tor está bloqueado aquí: empieza con Snowflake, que parece una videollamada.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor's public relays are blocked by address: start with obfs4 bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los relés públicos de Tor están bloqueados por dirección: empieza con puentes obfs4.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor's relays answered: plain Tor first, with bridges as a fallback.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los relés de Tor respondieron: primero Tor directo, con puentes como respaldo.</translation>
        </message>
    </context>
    <context>
        <name>AdvicePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/advice.py" line="+24" />
            <source>The way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La vía de salida</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway tries these in order. Untick a way to skip it, or move it up or down.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway las prueba en este orden. Desmarca una vía para saltarla, o muévela arriba o abajo.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Ways out, best first</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Vías de salida, la mejor primero</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each way out with the reasons for its place; tick or untick with Space</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cada vía de salida con los motivos de su posición; marca o desmarca con Espacio</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Move &amp;up</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">S&amp;ubir</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way earlier</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Probar antes la vía seleccionada</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Move &amp;down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Bajar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Try the selected way later</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Probar después la vía seleccionada</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Probar de &amp;nuevo</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the network tests again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Volver a hacer las pruebas de red</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Connect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Conectar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Connect through Tor, trying the ways in this order</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectar a través de Tor, probando las vías en este orden</translation>
        </message>
        <message>
            <location line="+30" />
            <source>not available on this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no disponible en este ordenador</translation>
        </message>
    </context>
    <context>
        <name>BridgeLine</name>
        <message>
            <location filename="../../desktop/byway/transports/bridge_errors.py" line="+63" />
            <source>line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">línea {number}: {problem}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_line.py" line="+99" />
            <source>the address must be an IP address and a port, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la dirección debe ser una IP y un puerto, como 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+8" />
            <source>IPv6 addresses must be written in brackets, like [2001:db8::1]:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">las direcciones IPv6 deben ir entre corchetes, como [2001:db8::1]:443</translation>
        </message>
        <message>
            <location line="+24" />
            <source>the address is not a valid IPv4 or IPv6 address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la dirección no es una dirección IPv4 o IPv6 válida</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the port must be a number from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el puerto debe ser un número del 1 al 65535</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the fingerprint must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la huella (fingerprint) debe ser texto</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{transport} bridges need a fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los puentes {transport} necesitan una huella (fingerprint) después de la dirección</translation>
        </message>
        <message>
            <location line="+37" />
            <source>arguments must be pairs of text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los argumentos deben ser pares de texto</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the argument {key} appears more than once</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el argumento {key} aparece más de una vez</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a plain bridge has only an address and a fingerprint; found {key}=...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un puente simple solo tiene una dirección y una huella; se encontró {key}=...</translation>
        </message>
        <message>
            <location line="+8" />
            <source>{transport} bridges need the argument {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los puentes {transport} necesitan el argumento {key}=</translation>
        </message>
        <message>
            <location line="+18" />
            <source>an obfs4 bridge takes only cert= and iat-mode=; found {key}=</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un puente obfs4 solo admite cert= e iat-mode=; se encontró {key}=</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the fingerprint= argument differs from the fingerprint after the address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el argumento fingerprint= no coincide con la huella que sigue a la dirección</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{name} is not a transport Byway knows; expected one of: {known}, or a plain IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{name} no es un transporte que Byway conozca; se esperaba uno de: {known}, o una IP:PUERTO simple</translation>
        </message>
        <message>
            <location line="+18" />
            <source>a bridge line must be text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una línea de puente debe ser texto</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the bridge line is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la línea de puente está vacía</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the bridge line needs an address, like 192.0.2.1:443</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la línea de puente necesita una dirección, como 192.0.2.1:443</translation>
        </message>
        <message>
            <location line="+18" />
            <source>unexpected text {text}; after the address only key=value arguments may follow</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">texto inesperado {text}; después de la dirección solo pueden ir argumentos clave=valor</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/bridge_rules.py" line="+70" />
            <source>the bridge line is {length} characters long; the limit is {limit}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la línea de puente tiene {length} caracteres; el límite es {limit}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the bridge line contains '#' at position {position}; it is not allowed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la línea de puente contiene '#' en la posición {position}; no está permitido</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the bridge line contains a control character ({codepoint}) at position {position}; a bridge line is a single line of plain text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la línea de puente contiene un carácter de control ({codepoint}) en la posición {position}; una línea de puente es una sola línea de texto simple</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the bridge line contains a character that is not plain ASCII ({codepoint}) at position {position}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la línea de puente contiene un carácter que no es ASCII simple ({codepoint}) en la posición {position}</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the fingerprint must be 40 hexadecimal characters; got {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la huella debe tener 40 caracteres hexadecimales; tiene {count}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the fingerprint must contain only hexadecimal characters (0-9, A-F)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la huella solo puede contener caracteres hexadecimales (0-9, A-F)</translation>
        </message>
        <message>
            <location line="+10" />
            <source>the argument name {key} is not allowed; names use only letters, digits, '_' and '-'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el nombre de argumento {key} no está permitido; los nombres solo usan letras, dígitos, '_' y '-'</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the argument {key} has no value</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el argumento {key} no tiene valor</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} contains characters that are not allowed (letters, digits and . _ , : + / = - only)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el valor de {key} contiene caracteres no permitidos (solo letras, dígitos y . _ , : + / = -)</translation>
        </message>
        <message>
            <location line="+21" />
            <source>the value of {key} contains characters that are not allowed in a URL</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el valor de {key} contiene caracteres no permitidos en una URL</translation>
        </message>
        <message>
            <location line="+12" />
            <source>the value of {key} must be an http or https address with a host name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el valor de {key} debe ser una dirección http o https con un nombre de host</translation>
        </message>
        <message>
            <location line="+7" />
            <source>the value of {key} must not contain a user name or password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el valor de {key} no debe contener un nombre de usuario ni una contraseña</translation>
        </message>
        <message>
            <location line="+22" />
            <source>the obfs4 cert must be 70 characters of base64 without '=' padding; got {count} characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el cert de obfs4 debe tener 70 caracteres en base64 sin relleno '='; tiene {count} caracteres</translation>
        </message>
        <message>
            <location line="+13" />
            <source>the obfs4 cert does not decode to a valid 52-byte certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el cert de obfs4 no se decodifica como un certificado válido de 52 bytes</translation>
        </message>
        <message>
            <location line="+9" />
            <source>iat-mode must be 0, 1 or 2; got {value}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">iat-mode debe ser 0, 1 o 2; es {value}</translation>
        </message>
    </context>
    <context>
        <name>BridgesTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/bridges.py" line="+36" />
            <source>Built-in bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puentes incluidos</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Which of the bridges that come with Byway to use</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cuáles de los puentes que vienen con Byway usar</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Choose for me</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Elegir por mí</translation>
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
            <translation type="unfinished">Ninguno</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Built-in bridges:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puentes incluidos:</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Request bridges...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Pedir puentes...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Ask the Tor Project for private bridges, after solving a captcha</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pedir puentes privados al Tor Project, tras resolver un captcha</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Your own bridges, one per line:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tus propios puentes, uno por línea:</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tus propios puentes</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Paste bridge lines here, one per line; each line is checked as you type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pega aquí las líneas de puente, una por línea; cada línea se comprueba mientras escribes</translation>
        </message>
        <message>
            <location line="+9" />
            <source>&amp;Save bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Guardar puentes</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep these bridges for the next connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Guardar estos puentes para la próxima conexión</translation>
        </message>
        <message>
            <location line="+23" />
            <source>{count} private bridges from the Tor Project are kept as secrets and used first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} puentes privados del Tor Project se guardan como secretos y se usan primero.</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Guardado.</translation>
        </message>
    </context>
    <context>
        <name>Catalog</name>
        <message>
            <location filename="../../desktop/byway/transports/catalog.py" line="+130" />
            <source>the bridge list is not in the expected format: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la lista de puentes no tiene el formato esperado: {what}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>a bridge kind name is not a short lowercase word</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un nombre de tipo de puente no es una palabra corta en minúsculas</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridges of kind {kind} are not a list of at most {limit} lines</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los puentes de tipo {kind} no son una lista de como mucho {limit} líneas</translation>
        </message>
        <message>
            <location line="+6" />
            <source>bridges of kind {kind} are not supported</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los puentes de tipo {kind} no son compatibles</translation>
        </message>
        <message>
            <location line="+6" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una línea de puente no es texto</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a {transport} bridge is listed under {kind}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un puente {transport} aparece bajo {kind}</translation>
        </message>
        <message>
            <location line="+16" />
            <source>the document is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el documento no es un objeto JSON</translation>
        </message>
        <message>
            <location line="+3" />
            <source>there is no "bridges" object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no hay un objeto "bridges"</translation>
        </message>
        <message>
            <location line="+3" />
            <source>recommendedDefault is not a bridge kind name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">recommendedDefault no es un nombre de tipo de puente</translation>
        </message>
        <message>
            <location line="+9" />
            <source>pluggableTransports is not a set of single-line templates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">pluggableTransports no es un conjunto de plantillas de una sola línea</translation>
        </message>
        <message>
            <location line="+34" />
            <source>the Moat answer is not a JSON object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la respuesta de Moat no es un objeto JSON</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the bridge server answered with an error</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el servidor de puentes respondió con un error</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the bridge server sent no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el servidor de puentes no envió puentes utilizables</translation>
        </message>
        <message>
            <location line="+28" />
            <location line="+3" />
            <source>the saved list has no date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la lista guardada no tiene fecha</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the saved list has no usable bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la lista guardada no tiene puentes utilizables</translation>
        </message>
    </context>
    <context>
        <name>Cli</name>
        <message>
            <location filename="../../desktop/byway/cli.py" line="+26" />
            <source>Find out what this network blocks, learn which way out should work, and connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Averigua qué bloquea esta red, qué vía de salida debería funcionar, y conéctate.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>keep everything (settings, secrets, tor state) under DIR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">guardar todo (ajustes, secretos, estado de Tor) en DIR</translation>
        </message>
        <message>
            <location line="+6" />
            <source>check this copy of Byway (window, demo diagnosis, bundled tor and transports) and exit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">comprobar esta copia de Byway (ventana, diagnóstico de demostración, tor y transportes incluidos) y salir</translation>
        </message>
        <message>
            <location line="+7" />
            <source>run the desktop app against a simulated network (no traffic at all): iran-2022, china-gfw, russia-2022, shutdown, or a scenario .toml file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ejecutar la aplicación de escritorio con una red simulada (sin ningún tráfico): iran-2022, china-gfw, russia-2022, shutdown, o un archivo .toml de escenario</translation>
        </message>
        <message>
            <location line="+27" />
            <source>Cannot use {path} as the portable folder: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se puede usar {path} como carpeta portátil: {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges_args.py" line="+23" />
            <source>list, check, add and remove bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">listar, comprobar, añadir y quitar puentes</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in and your own bridges: list them, check which transports work here, add, remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puentes incluidos y propios: lístalos, comprueba qué transportes funcionan aquí, añade, quita.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>same as 'byway bridges check'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">igual que 'byway bridges check'</translation>
        </message>
        <message>
            <location line="+5" />
            <source>show built-in and your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">mostrar los puentes incluidos y los tuyos</translation>
        </message>
        <message>
            <location line="+1" />
            <source>show your bridges in full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">mostrar tus puentes completos</translation>
        </message>
        <message>
            <location line="+2" />
            <source>which transports can run here, and why</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">qué transportes pueden funcionar aquí, y por qué</translation>
        </message>
        <message>
            <location line="+4" />
            <source>also pre-check the Tor network and the bridges from this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">comprobar también de antemano la red Tor y los puentes desde esta red</translation>
        </message>
        <message>
            <location line="+2" />
            <source>seconds per check</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">segundos por comprobación</translation>
        </message>
        <message>
            <location line="+2" />
            <source>add your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">añadir tus propios puentes</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bridge line (quote it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una línea de puente (entre comillas)</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not store the bridges; use them only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no guardar los puentes; usarlos solo en esta sesión</translation>
        </message>
        <message>
            <location line="+3" />
            <source>remove one of your bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">quitar uno de tus puentes</translation>
        </message>
        <message>
            <location line="+1" />
            <source>its id from 'list' or its line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">su id según 'list' o su línea</translation>
        </message>
        <message>
            <location line="+2" />
            <source>fetch fresh built-in bridges from Moat</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">descargar puentes incluidos nuevos desde Moat</translation>
        </message>
        <message>
            <location line="+5" />
            <source>reach Moat through meek domain fronting (when it is blocked)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">llegar a Moat mediante domain fronting con meek (cuando está bloqueado)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/bridges.py" line="+44" />
            <source>Passphrase of Byway's vault: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Frase de contraseña de la bóveda de Byway: </translation>
        </message>
        <message>
            <location line="+3" />
            <source>The vault needs its passphrase (or set {name}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La bóveda necesita su frase de contraseña (o define {name}).</translation>
        </message>
        <message>
            <location line="+8" />
            <source>unknown date</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">fecha desconocida</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Built-in bridges ({source}, as of {date}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puentes incluidos ({source}, a fecha de {date}):</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Your bridges: none.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tus puentes: ninguno.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Your bridges ({count}):</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tus puentes ({count}):</translation>
        </message>
        <message>
            <location line="+4" />
            <source>(addresses hidden; add --show to see them)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">(direcciones ocultas; añade --show para verlas)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Line {n}: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Línea {n}: {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Nothing was added: correct the lines above.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se añadió nada: corrige las líneas de arriba.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{count} bridges checked; kept only for this session, nothing was stored.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{count} puentes comprobados; se guardan solo para esta sesión, no se almacenó nada.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Added {added} bridges ({total} in all), kept in: {where}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se añadieron {added} puentes ({total} en total), guardados en: {where}.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You have no bridges of your own to remove.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No tienes puentes propios que quitar.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>No bridge of yours matches {which}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ninguno de tus puentes coincide con {which}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Removed {id}; {count} left.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se quitó {id}; quedan {count}.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>available</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">disponible</translation>
        </message>
        <message>
            <location line="+0" />
            <source>unavailable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no disponible</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Red Tor</translation>
        </message>
        <message>
            <location line="+2" />
            <location filename="../../desktop/byway/commands/diagnose.py" line="+106" />
            <source>reachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">accesible</translation>
        </message>
        <message>
            <location line="+25" />
            <source>there is no meek bridge line to front with</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no hay ninguna línea de puente meek con la que hacer fronting</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect_args.py" line="+43" />
            <source>expected a two-letter country code, like IR</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba un código de país de dos letras, como IR</translation>
        </message>
        <message>
            <location line="+14" />
            <source>connect to Tor the best way this network allows, and stay connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">conectarse a Tor de la mejor forma que permita esta red, y seguir conectado</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start Tor with the best way out for this network, show its progress, print the SOCKS address to use, and keep the connection up until Ctrl-C.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inicia Tor con la mejor vía de salida para esta red, muestra su progreso, imprime la dirección SOCKS que usar y mantiene la conexión hasta Ctrl-C.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>a bridge line to use (repeat for several)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una línea de puente que usar (repetir para varias)</translation>
        </message>
        <message>
            <location line="+6" />
            <source>an upstream proxy: http://, https://, socks4:// or socks5://[user:pass@]host:port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un proxy de salida: http://, https://, socks4:// o socks5://[usuario:contraseña@]host:puerto</translation>
        </message>
        <message>
            <location line="+5" />
            <source>keep tor's state per profile</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">guardar el estado de Tor por perfil</translation>
        </message>
        <message>
            <location line="+2" />
            <source>default: any free port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">por defecto: cualquier puerto libre</translation>
        </message>
        <message>
            <location line="+7" />
            <source>where to ask for this country's circumvention settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">dónde pedir la configuración de elusión para este país</translation>
        </message>
        <message>
            <location line="+3" />
            <source>do not ask Moat; use the built-in map</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no consultar a Moat; usar el mapa incluido</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/connect.py" line="+85" />
            <source>Checking which ways out answer from here...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Comprobando qué vías de salida responden desde aquí...</translation>
        </message>
        <message>
            <location line="+23" />
            <source>Your saved bridges are not used this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Esta vez no se usan tus puentes guardados: {why}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>you asked for it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">lo pediste tú</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Tor without a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor sin puente.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>custom needs at least one --bridge LINE</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">custom necesita al menos un --bridge LÍNEA</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Your bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tus puentes.</translation>
        </message>
        <message>
            <location line="+16" />
            <source>One way, as asked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Una vía, como se pidió.</translation>
        </message>
        <message>
            <location line="+66" />
            <source>Nothing in the plan can run here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Nada del plan puede funcionar aquí.</translation>
        </message>
        <message>
            <location line="+19" />
            <source>Connected with {way} in {seconds:.1f} s. Press Ctrl-C to disconnect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectado con {way} en {seconds:.1f} s. Pulsa Ctrl-C para desconectar.</translation>
        </message>
        <message>
            <location line="+20" />
            <source>Those bridges do not use {transport}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Esos puentes no usan {transport}.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Disconnected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Desconectado.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose_args.py" line="+24" />
            <source>expected IP:PORT, for example 8.8.8.8:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba IP:PUERTO, por ejemplo 8.8.8.8:53</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected NAME=IP:PORT</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba NOMBRE=IP:PUERTO</translation>
        </message>
        <message>
            <location line="+16" />
            <source>find out what this network blocks, and how</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">averiguar qué bloquea esta red, y cómo</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Test websites and the Tor network from here, compare with an uncensored control, and explain what is blocked and how. Without URLs, Byway's default list is tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Prueba sitios web y la red Tor desde aquí, compara con un control sin censura, y explica qué está bloqueado y cómo. Sin URL, se prueba la lista predeterminada de Byway.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>addresses to test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">direcciones a probar</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a file of URLs</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un archivo de URL</translation>
        </message>
        <message>
            <location line="+2" />
            <source>print OONI-format measurements, one per line</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">imprimir mediciones en formato OONI, una por línea</translation>
        </message>
        <message>
            <location line="+4" />
            <source>do not ask a test helper</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no consultar a un ayudante de pruebas</translation>
        </message>
        <message>
            <location line="+3" />
            <source>skip the UDP DNS test</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">omitir la prueba de DNS por UDP</translation>
        </message>
        <message>
            <location line="+2" />
            <source>skip DNS-over-HTTPS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">omitir DNS sobre HTTPS</translation>
        </message>
        <message>
            <location line="+4" />
            <source>use the --resolver answers instead of the system's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">usar las respuestas de --resolver en lugar de las del sistema</translation>
        </message>
        <message>
            <location line="+8" />
            <source>a Tor relay to test instead of the directory authorities (repeatable)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un relé de Tor que probar en lugar de las autoridades de directorio (se puede repetir)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>do not test the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no probar la red Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <location filename="../../desktop/byway/commands/helper_args.py" line="+61" />
            <source>seconds per step</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">segundos por paso</translation>
        </message>
        <message>
            <location line="+7" />
            <source>after a suspected trigger, leave that address and port alone this long</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">tras un posible disparador, no tocar esa dirección y puerto durante este tiempo</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a fixed random order, to repeat a run</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un orden aleatorio fijo, para repetir una ejecución</translation>
        </message>
        <message>
            <location line="+5" />
            <source>consent to the tests without a prompt (for scripts)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">aceptar las pruebas sin preguntar (para scripts)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/diagnose.py" line="-27" />
            <source>No terminal to ask for consent: run again with --accept-risks to agree.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No hay terminal para pedir el consentimiento: vuelve a ejecutar con --accept-risks para aceptar.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Nothing was tested.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se probó nada.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Testing {total} targets...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Probando {total} objetivos...</translation>
        </message>
        <message>
            <location line="+10" />
            <source>unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">inaccesible</translation>
        </message>
        <message>
            <location line="+6" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bien</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">caído (no es censura)</translation>
        </message>
        <message>
            <location line="+2" />
            <source>unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">desconocido</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked ({how})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloqueado ({how})</translation>
        </message>
        <message>
            <location line="+29" />
            <source>Stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Detenido.</translation>
        </message>
        <message>
            <location line="+26" />
            <source>The report was withheld: your address could not be removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El informe no se entregó: no se pudo quitar tu dirección de él.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper_args.py" line="-40" />
            <source>expected HOST:PORT, for example 127.0.0.1:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba HOST:PUERTO, por ejemplo 127.0.0.1:8080</translation>
        </message>
        <message>
            <location line="+11" />
            <source>expected IP:PORT, for example 127.0.0.1:53</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba IP:PUERTO, por ejemplo 127.0.0.1:53</translation>
        </message>
        <message>
            <location line="+14" />
            <source>run a web-connectivity test helper (an uncensored control)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">ejecutar un ayudante de pruebas web-connectivity (un control sin censura)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Serve OONI's web-connectivity test-helper protocol, so that probes elsewhere can compare what they see with what this network sees. Run it only on an uncensored network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sirve el protocolo de ayudante de pruebas web-connectivity de OONI, para que sondas en otros lugares comparen lo que ven con lo que ve esta red. Ejecútalo solo en una red sin censura.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>resolve names with this DNS server instead of the system resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">resolver nombres con este servidor DNS en lugar del resolvedor del sistema</translation>
        </message>
        <message>
            <location line="+7" />
            <source>serve HTTPS with this certificate (PEM), so probes' requests are encrypted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">servir HTTPS con este certificado (PEM), para que las peticiones de las sondas vayan cifradas</translation>
        </message>
        <message>
            <location line="+3" />
            <source>its private key (PEM)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">su clave privada (PEM)</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/helper.py" line="+26" />
            <source>--tls-cert and --tls-key go together.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">--tls-cert y --tls-key van juntos.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Cannot use that certificate and key: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se pueden usar ese certificado y esa clave: {reason}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/commands/logging_setup.py" line="+35" />
            <source>keep a diagnostic log in Byway's log folder (addresses and bridges are removed from it)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">guardar un registro de diagnóstico en la carpeta de registros de Byway (sin direcciones ni puentes)</translation>
        </message>
        <message>
            <location line="+35" />
            <source>No diagnostic log this time: {why}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Esta vez no hay registro de diagnóstico: {why}</translation>
        </message>
    </context>
    <context>
        <name>ConnectedPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connected.py" line="+23" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectado</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Point your applications at this SOCKS5 proxy. Tor Browser needs no setting.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Configura tus aplicaciones para usar este proxy SOCKS5. Tor Browser no necesita ningún ajuste.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>SOCKS address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Dirección SOCKS</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The address and port of the SOCKS5 proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La dirección y el puerto del proxy SOCKS5</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Cop&amp;y</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cop&amp;iar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the SOCKS address to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Copiar la dirección SOCKS al portapapeles</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Demo: this address is made up and nothing listens there. No traffic was sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Demo: esta dirección es inventada y nada escucha en ella. No se envió tráfico.</translation>
        </message>
        <message>
            <location line="+10" />
            <source>&amp;Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Desconectar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop Tor and close the connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Detener Tor y cerrar la conexión</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connected with {way} in {seconds:.0f} s.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectado con {way} en {seconds:.0f} s.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Copied.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Copiado.</translation>
        </message>
    </context>
    <context>
        <name>ConnectingPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/connecting.py" line="+25" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectando</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+42" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Iniciando Tor</translation>
        </message>
        <message>
            <location line="-40" />
            <source>Connection progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Progreso de la conexión</translation>
        </message>
        <message>
            <location line="+0" />
            <source>How far Tor has got</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hasta dónde ha llegado Tor</translation>
        </message>
        <message>
            <location line="+6" />
            <location line="+1" />
            <location line="+26" />
            <source>Show log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mostrar registro</translation>
        </message>
        <message>
            <location line="-27" />
            <source>Show or hide Tor's messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mostrar u ocultar los mensajes de Tor</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Connection log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Registro de la conexión</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Every step Tor reported, with the time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cada paso que informó Tor, con la hora</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Back to the plan</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Volver al plan</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Return to the ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Volver a las vías de salida</translation>
        </message>
        <message>
            <location line="+3" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Cancelar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop connecting and stop Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Dejar de conectar y detener Tor</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Hide log</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ocultar registro</translation>
        </message>
        <message>
            <location line="+30" />
            <location line="+3" />
            <source>Trying {way}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Probando {way}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>Not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No conectado</translation>
        </message>
    </context>
    <context>
        <name>Consent</name>
        <message>
            <location filename="../../desktop/byway/consent.py" line="+17" />
            <source>Before Byway tests this network, please know:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Antes de que Byway pruebe esta red, ten en cuenta:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>- Anyone who watches this connection (your internet provider, your employer, a government) can see that these tests are running and which sites they try.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Cualquiera que vigile esta conexión (tu proveedor de internet, tu empleador, un gobierno) puede ver que estas pruebas se están haciendo y qué sitios intentan abrir.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Some of the sites Byway tests may be illegal or frowned upon where you are. You can test only the addresses you choose instead.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Algunos de los sitios que Byway prueba pueden ser ilegales o estar mal vistos donde estás. En su lugar, puedes probar solo las direcciones que elijas.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>- Byway uploads nothing. Results stay on this computer unless you share them yourself.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">- Byway no sube nada. Los resultados se quedan en este ordenador salvo que tú los compartas.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Type yes to run the tests, or anything else to stop: </source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe sí para hacer las pruebas, o cualquier otra cosa para parar: </translation>
        </message>
        <message>
            <location line="+9" />
            <source>yes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sí</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/errors.py" line="+33" />
            <source>Something went wrong</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Algo salió mal</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Byway hit a problem it did not expect. Your connection settings are safe. If you report this, copy the text below: addresses and bridges have been removed from it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway encontró un problema que no esperaba. Tus ajustes de conexión están a salvo. Si informas de esto, copia el texto de abajo: se han quitado de él las direcciones y los puentes.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Problem report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Informe del problema</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Technical details, scrubbed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Detalles técnicos, limpiados</translation>
        </message>
        <message>
            <location line="+5" />
            <location line="+1" />
            <source>Copy report</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Copiar informe</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Copy the scrubbed report to the clipboard</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Copiar el informe limpiado al portapapeles</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Close</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cerrar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close this message</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cerrar este mensaje</translation>
        </message>
    </context>
    <context>
        <name>Demo</name>
        <message>
            <location filename="../../desktop/byway/demo/scenario.py" line="+111" />
            <source>Demo scenario {file}, {field}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escenario de demo {file}, {field}: {problem}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>expected a number from {low} to {high}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba un número del {low} al {high}</translation>
        </message>
        <message>
            <location line="+9" />
            <source>expected some text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba algo de texto</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{value} is not one of: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{value} no es uno de: {known}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>expected a [[site]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba una tabla [[site]]</translation>
        </message>
        <message>
            <location line="+9" />
            <source>a blockpage needs an http:// address (HTTPS is reset instead)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una página de bloqueo necesita una dirección http:// (HTTPS se corta en su lugar)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>no file blockpages/{name}.html</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no existe el archivo blockpages/{name}.html</translation>
        </message>
        <message>
            <location line="+15" />
            <source>expected a [[way]] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba una tabla [[way]]</translation>
        </message>
        <message>
            <location line="+15" />
            <source>a scenario needs at least one [[site]]</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un escenario necesita al menos un [[site]]</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected [[way]] tables</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaban tablas [[way]]</translation>
        </message>
        <message>
            <location line="+3" />
            <source>expected a [tor] table</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba una tabla [tor]</translation>
        </message>
        <message>
            <location line="+30" />
            <source>There is no demo scenario called {name}. Known scenarios: {known}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No hay ningún escenario de demo llamado {name}. Escenarios conocidos: {known}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/demo/tor.py" line="+47" />
            <source>None of the ways in the plan could connect. Try again later, or add a private bridge in Settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ninguna de las vías del plan pudo conectar. Inténtalo más tarde, o añade un puente privado en Ajustes.</translation>
        </message>
        <message>
            <location line="+39" />
            <source>tor reported {reason} at {progress}%: this way is blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor informó {reason} al {progress}%: esta vía está bloqueada aquí.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>No progress past {progress}% for a while: moving on to the next way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sin avance más allá del {progress}% durante un rato: se pasa a la siguiente vía.</translation>
        </message>
    </context>
    <context>
        <name>DemoScenario</name>
        <message>
            <location filename="../../desktop/byway/demo/words.py" line="+17" />
            <source>China, the Great Firewall</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">China, la Gran Muralla Cortafuegos</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Iran, autumn 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Irán, otoño de 2022</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Russia, 2022</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Rusia, 2022</translation>
        </message>
        <message>
            <location line="+1" />
            <source>A full shutdown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Un apagón total</translation>
        </message>
        <message>
            <source>Modelled on the GFW: forged DNS answers from known poison addresses, SNI resets, IP blocking; Tor relays and public bridges blocked; Snowflake gets through, slowly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Basado en el GFW: respuestas DNS falsificadas desde direcciones de envenenamiento conocidas, reinicios por SNI, bloqueo de IP; relés de Tor y puentes públicos bloqueados; Snowflake pasa, despacio.</translation>
        </message>
        <message>
            <source>Show the forged DNS answers first: 8.7.198.45 and 46.82.174.68 are published GFW poison addresses,
and the details name them. Google's encrypted connection is reset by name (SNI) and the New York
Times' address is black-holed. Baidu works. Every directory authority is unreachable by address, and
the public obfs4 bridges stall at 2%: they are on the blocklist, and since about 2021 the GFW also
detects traffic that looks fully random. Snowflake connects, slowly. The lesson: private bridges
and transports that look like something else. Modelled on published research; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Muestra primero las respuestas DNS falsificadas: 8.7.198.45 y 46.82.174.68 son direcciones de envenenamiento del GFW publicadas, y los detalles las nombran. La conexión cifrada de Google se corta por nombre (SNI) y la dirección del New York Times está en un agujero negro. Baidu funciona. No se llega a ninguna autoridad de directorio por dirección, y los puentes obfs4 públicos se quedan parados en el 2%: están en la lista de bloqueo, y desde aproximadamente 2021 el GFW también detecta el tráfico que parece completamente aleatorio. Snowflake conecta, despacio. La lección: puentes privados y transportes que parecen otra cosa. Basado en investigaciones publicadas; aproximado.</translation>
        </message>
        <message>
            <source>Modelled on Iran during the Mahsa Amini protests: DNS tampering, SNI resets and HTTP blockpages; Tor relays and public obfs4 bridges blocked; Snowflake gets through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Basado en Irán durante las protestas por Mahsa Amini: manipulación de DNS, reinicios por SNI y páginas de bloqueo HTTP; relés de Tor y puentes obfs4 públicos bloqueados; Snowflake pasa.</translation>
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
            <translation type="unfinished">Señala las tres capas en acción: la conexión cifrada de Instagram se corta por nombre (SNI), el nombre de WhatsApp se resuelve a una dirección privada 10.10.34.x (inyección de DNS), y BBC Persian por HTTP simple devuelve la página de bloqueo nacional (el iframe a 10.10.34.34). Wikipedia y la tienda nacional siguen funcionando: es censura selectiva, no un apagón. Los relés de Tor no responden en absoluto, y los puentes obfs4 públicos se quedan parados en el 2%: en 2022 los usuarios de Snowflake desde Irán pasaron de unos 20.000 a unos 100.000. Para los apagones móviles nocturnos de aquel otoño, cambia al escenario "shutdown". Basado en informes de OONI y del Tor Project; las cifras son aproximadas.</translation>
        </message>
        <message>
            <source>Modelled on Russia in 2022: torproject.org and social networks blocked, Twitter throttled, Tor's handshake recognised by DPI; bridges get through.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Basado en Rusia en 2022: torproject.org y las redes sociales bloqueadas, Twitter ralentizado, el handshake de Tor reconocido por DPI; los puentes pasan.</translation>
        </message>
        <message>
            <source>The Russian filter (TSPU) works by name and by protocol: Facebook and Instagram are reset, the plain-
HTTP page of torproject.org returns the RKN blockpage, and Twitter loads but crawls (throttling by
SNI in 2021 held it near 130-150 kbit/s; Byway does not call slowness censorship, so say it aloud).
Tor's relays accept a TCP connection, but the TLS handshake is reset: Tor is recognised by its
fingerprint, so plain Tor fails at the handshake. Snowflake and obfs4 bridges worked for most users;
Tor's user numbers from Russia recovered with bridges. Modelled on OONI and Tor reports; approximate.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El filtro ruso (TSPU) funciona por nombre y por protocolo: Facebook e Instagram se cortan, la página HTTP simple de torproject.org devuelve la página de bloqueo de RKN, y Twitter carga pero se arrastra (la ralentización por SNI en 2021 lo dejó en torno a 130-150 kbit/s; Byway no llama censura a la lentitud, así que dilo en voz alta). Los relés de Tor aceptan una conexión TCP, pero el handshake TLS se corta: Tor se reconoce por su huella, así que Tor directo falla en el handshake. Los puentes Snowflake y obfs4 funcionaron para la mayoría; el número de usuarios de Tor desde Rusia se recuperó con puentes. Basado en informes de OONI y de Tor; aproximado.</translation>
        </message>
        <message>
            <source>Nothing leaves the country: every site, encrypted DNS and every Tor relay time out. No transport can help.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Nada sale del país: todos los sitios, el DNS cifrado y todos los relés de Tor agotan el tiempo. Ningún transporte puede ayudar.</translation>
        </message>
        <message>
            <source>Let the diagnosis run to the end: every probe times out, including the control-side checks, DNS over
HTTPS and Tor's relays. Byway says "No Internet" instead of listing blocked sites, and the advice page
recommends no transport, because none can work until the network comes back. This is what Myanmar's
nightly shutdowns from 2021 and Iran's regional mobile shutdowns in 2022 looked like from a phone.
Use it to talk about offline preparation: saved bridges, mesh messengers, and knowing the difference.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Deja que el diagnóstico llegue al final: todas las sondas agotan el tiempo, incluidas las comprobaciones del lado del control, el DNS sobre HTTPS y los relés de Tor. Byway dice "Sin Internet" en lugar de listar sitios bloqueados, y la página de consejos no recomienda ningún transporte, porque ninguno puede funcionar hasta que vuelva la red. Así se veían desde un teléfono los apagones nocturnos de Myanmar desde 2021 y los apagones móviles regionales de Irán en 2022. Úsalo para hablar de la preparación sin conexión: puentes guardados, mensajería en malla, y saber distinguir.</translation>
        </message>
    </context>
    <context>
        <name>DiagnosePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/diagnose.py" line="+26" />
            <source>Testing this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Probando esta red</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+43" />
            <source>Getting ready...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Preparando...</translation>
        </message>
        <message>
            <location line="-39" />
            <source>Test progress</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Progreso de las pruebas</translation>
        </message>
        <message>
            <location line="+1" />
            <source>How many of the sites and Tor relays have been tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cuántos sitios y relés de Tor se han probado</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Sites and relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sitios y relés</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Each site and Tor relay being tested, and what was found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cada sitio y relé de Tor que se prueba, y lo que se encontró</translation>
        </message>
        <message>
            <location line="+2" />
            <source>What</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Qué</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Result</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resultado</translation>
        </message>
        <message>
            <location line="+7" />
            <source>&amp;Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Cancelar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Stop the tests now; nothing more is sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Detener las pruebas ahora; no se envía nada más</translation>
        </message>
        <message>
            <location line="+26" />
            <source>waiting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">en espera</translation>
        </message>
        <message>
            <location line="+23" />
            <location line="+4" />
            <source>{done} of {total} tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{done} de {total} probados</translation>
        </message>
        <message>
            <location line="+7" />
            <source>testing...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">probando...</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Tor relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Relés de Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>{ok} of {done} answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">responden {ok} de {done}</translation>
        </message>
        <message>
            <location line="-14" />
            <source>blocked: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloqueado: {how}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>works</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">funciona</translation>
        </message>
        <message>
            <location line="+2" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sin respuesta</translation>
        </message>
        <message>
            <location line="-14" />
            <source>Seen so far: {techniques}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Visto hasta ahora: {techniques}</translation>
        </message>
    </context>
    <context>
        <name>Findings</name>
        <message>
            <location filename="../../desktop/byway/analyze/words.py" line="+23" />
            <source>NXDOMAIN (no such name)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">NXDOMAIN (no existe ese nombre)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>SERVFAIL (server failure)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">SERVFAIL (fallo del servidor)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>REFUSED</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">REFUSED (rechazado)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sin respuesta</translation>
        </message>
        <message>
            <location line="+1" />
            <source>a bogon address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una dirección bogon</translation>
        </message>
        <message>
            <location line="+1" />
            <source>timeout</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">tiempo agotado</translation>
        </message>
        <message>
            <location line="+1" />
            <source>reset</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">reiniciada</translation>
        </message>
        <message>
            <location line="+1" />
            <source>refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">rechazada</translation>
        </message>
        <message>
            <location line="+1" />
            <source>connection closed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">conexión cerrada</translation>
        </message>
        <message>
            <location line="+1" />
            <source>host unreachable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">host inalcanzable</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate for another name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">certificado para otro nombre</translation>
        </message>
        <message>
            <location line="+1" />
            <source>certificate from an unknown authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">certificado de una autoridad desconocida</translation>
        </message>
        <message>
            <location line="+1" />
            <source>invalid certificate</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">certificado no válido</translation>
        </message>
        <message>
            <location line="+1" />
            <source>failed handshake</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">handshake fallido</translation>
        </message>
        <message>
            <location line="+3" />
            <source>success</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">éxito</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the ISP resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el resolvedor del proveedor</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the encrypted resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el resolvedor cifrado {resolver}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the resolver {resolver}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el resolvedor {resolver}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">nada</translation>
        </message>
        <message>
            <location line="+4" />
            <source>country unknown</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">país desconocido</translation>
        </message>
        <message>
            <location line="+15" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon and a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de DNS: {resolver} respondió {addresses}, una dirección bogon y de un inyector conocido ({fingerprint}, {countries}); el control encontró {control}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}, a known injector's address ({fingerprint}, {countries}); the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de DNS: {resolver} respondió {addresses} para {subject}, la dirección de un inyector conocido ({fingerprint}, {countries}); el control encontró {control}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} sent two different answers for {subject}, {addresses} then {late}; an injector raced the genuine resolver</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de DNS: {resolver} envió dos respuestas distintas para {subject}, {addresses} y luego {late}; un inyector se adelantó al resolvedor auténtico</translation>
        </message>
        <message>
            <location line="+6" />
            <source>DNS injection: {resolver} answered {addresses}, a bogon; the control found {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de DNS: {resolver} respondió {addresses}, una dirección bogon; el control encontró {control}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>DNS injection: {resolver} answered {addresses} for {subject}; the control found {control}, on another network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de DNS: {resolver} respondió {addresses} para {subject}; el control encontró {control}, en otra red</translation>
        </message>
        <message>
            <location line="+14" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake without a name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Filtrado por SNI de TLS: {failure} tras el ClientHello para {subject}; la misma IP completa un handshake sin nombre</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS SNI filtering: {failure} after ClientHello for {subject}; the same IP completes a handshake for a benign name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Filtrado por SNI de TLS: {failure} tras el ClientHello para {subject}; la misma IP completa un handshake con un nombre inofensivo</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: {endpoint}, a genuine address of {subject}, presented a {failure}; the control's handshake validates</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Interferencia en TLS: {endpoint}, una dirección auténtica de {subject}, presentó un {failure}; el handshake del control es válido</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TLS interference: every handshake with {endpoint} for {subject} ends in {failure}, though TCP connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Interferencia en TLS: cada handshake con {endpoint} para {subject} termina en {failure}, aunque TCP conecta</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP blockpage: {subject} returned the blockpage {fingerprint} ({countries})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Página de bloqueo HTTP: {subject} devolvió la página de bloqueo {fingerprint} ({countries})</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{percent}% of its length</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{percent}% de su longitud</translation>
        </message>
        <message>
            <location line="+2" />
            <source>length not compared</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">longitud no comparada</translation>
        </message>
        <message>
            <location line="+2" />
            <source>HTTP diff: the page for {subject} differs from the control's (status {status} vs {control_status}, {proportion}); no known blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Diferencia HTTP: la página de {subject} difiere de la del control (estado {status} frente a {control_status}, {proportion}); no es una página de bloqueo conocida</translation>
        </message>
        <message>
            <location line="+11" />
            <source>HTTP failure: fetching {subject} failed ({failure}); the control fetched it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Fallo HTTP: la descarga de {subject} falló ({failure}); el control sí la descargó</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking: {resolver} gave {failure} for {subject}; the control resolves it to {control}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bloqueo de DNS: {resolver} dio {failure} para {subject}; el control lo resuelve a {control}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Encrypted DNS blocked: the DNS-over-HTTPS resolver {subject} cannot be reached ({failure})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS cifrado bloqueado: no se puede llegar al resolvedor DNS sobre HTTPS {subject} ({failure})</translation>
        </message>
        <message>
            <location line="+7" />
            <source>IP black hole: connecting to {endpoint} times out; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Agujero negro de IP: la conexión a {endpoint} agota el tiempo; el control conecta</translation>
        </message>
        <message>
            <location line="+4" />
            <source>IP blocking: connecting to {endpoint} fails ({failure}); the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bloqueo de IP: la conexión a {endpoint} falla ({failure}); el control conecta</translation>
        </message>
        <message>
            <location line="+6" />
            <source>TCP reset injection: the connection for {subject} was reset after the request was sent</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de reinicios TCP: la conexión para {subject} se reinició después de enviar la petición</translation>
        </message>
        <message>
            <location line="+5" />
            <source>TCP reset injection: the connection to {endpoint} was {failure}; the control connects</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de reinicios TCP: la conexión a {endpoint} fue {failure}; el control conecta</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Site down: {subject} fails from outside too ({failure}); this is not censorship</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sitio caído: {subject} también falla desde fuera ({failure}); no es censura</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Not tested: {subject} was probed moments ago, and some censors keep blocking for minutes after a trigger</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No probado: {subject} se sondeó hace un momento, y algunos censores siguen bloqueando durante minutos tras un disparador</translation>
        </message>
        <message>
            <location line="+13" />
            <source>DNS blocking</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Bloqueo de DNS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>DNS injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de DNS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>encrypted DNS blocked</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DNS cifrado bloqueado</translation>
        </message>
        <message>
            <location line="+1" />
            <source>IP black hole</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Agujero negro de IP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TCP reset injection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Inyección de reinicios TCP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS SNI filtering</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Filtrado por SNI de TLS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>TLS interference</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Interferencia en TLS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP blockpage</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Página de bloqueo HTTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP diff</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Diferencia HTTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>HTTP failure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Fallo HTTP</translation>
        </message>
        <message>
            <location line="+1" />
            <source>site down</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sitio caído</translation>
        </message>
        <message>
            <location line="+1" />
            <source>not tested (pacing)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no probado (pausa)</translation>
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
            <translation type="unfinished">{first} y {last}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>No Internet: nothing answered, not even sites abroad, encrypted DNS or Tor relays. This looks like a shutdown or an outage, not censorship of particular sites.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sin Internet: nada respondió, ni siquiera sitios del extranjero, el DNS cifrado o los relés de Tor. Parece un apagón o una avería, no censura de sitios concretos.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>blocks Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloquea Tor</translation>
        </message>
        <message>
            <location line="+2" />
            <source>tampers with DNS</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">manipula el DNS</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocks some addresses</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloquea algunas direcciones</translation>
        </message>
        <message>
            <location line="+1" />
            <source>filters encrypted connections by name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">filtra las conexiones cifradas por nombre</translation>
        </message>
        <message>
            <location line="+2" />
            <source>interferes with encrypted connections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">interfiere con las conexiones cifradas</translation>
        </message>
        <message>
            <location line="+1" />
            <source>tampers with web pages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">manipula las páginas web</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Your network {actions}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tu red {actions}.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>We found no censorship of the sites tested, but some Tor relays could not be reached.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No encontramos censura de los sitios probados, pero no se pudo llegar a algunos relés de Tor.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>We found no sign of censorship on this network.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No encontramos señales de censura en esta red.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>{layer}: no interference seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: no se vio interferencia</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{technique} ({count} of {total} targets)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{technique} ({count} de {total} objetivos)</translation>
        </message>
        <message>
            <location line="+5" />
            <source>{layer}: interfered with: {how}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{layer}: con interferencias: {how}</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: directory authorities not tested</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: autoridades de directorio no probadas</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: all {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: responden las {tested} autoridades de directorio</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tor: {reachable} of {tested} directory authorities answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: responden {reachable} de {tested} autoridades de directorio</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor: blocked by address: none of {tested} directory authorities accepts a connection, while websites work</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: bloqueado por dirección: ninguna de las {tested} autoridades de directorio acepta una conexión, mientras que los sitios web funcionan</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: blocked: connections to the {tested} directory authorities open, but no TLS handshake completes</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: bloqueado: las conexiones a las {tested} autoridades de directorio se abren, pero ningún handshake TLS se completa</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Tor: no directory authority answers, like everything else</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor: ninguna autoridad de directorio responde, igual que todo lo demás</translation>
        </message>
    </context>
    <context>
        <name>GeneralTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+49" />
            <source>Language</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Idioma</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The language of Byway's window and messages</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El idioma de la ventana y los mensajes de Byway</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Same as the system</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El mismo que el sistema</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Language:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Idioma:</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Where secrets are kept...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Dónde se guardan los secretos...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Choose between keeping secrets for this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Elegir entre guardar los secretos solo durante esta sesión o en la bóveda cifrada de Byway</translation>
        </message>
        <message>
            <location line="+5" />
            <source>&amp;Change the vault passphrase...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Cambiar la frase de contraseña de la bóveda...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the vault's current passphrase, then choose a new one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe la frase de contraseña actual de la bóveda y luego elige una nueva</translation>
        </message>
        <message>
            <location line="+13" />
            <source>&amp;Forget everything...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Olvidarlo todo...</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Delete Byway's settings, saved bridges, passwords, Tor state and logs from this computer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Borrar de este ordenador los ajustes, los puentes guardados, las contraseñas, el estado de Tor y los registros de Byway</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Secrets are kept in the system keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los secretos se guardan en el llavero del sistema.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Secrets are kept in Byway's own vault, protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los secretos se guardan en la bóveda propia de Byway, protegida con una frase de contraseña.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets are kept only until Byway closes, and never written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los secretos se guardan solo hasta que Byway se cierre, y nunca se escriben en el disco.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Portable mode: everything stays in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Modo portátil: todo se queda en {folder}.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Installed mode: settings are in {folder}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Modo instalado: los ajustes están en {folder}.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>The vault's passphrase was changed. From now on, only the new one opens it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La frase de contraseña de la bóveda ha cambiado. A partir de ahora, solo la nueva la abre.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Something unexpected went wrong. The passphrase was not changed: the vault still opens with its current passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Algo inesperado salió mal. La frase de contraseña no cambió: la bóveda todavía se abre con su frase de contraseña actual.</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Forget everything?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">¿Olvidarlo todo?</translation>
        </message>
        <message>
            <location line="+2" />
            <source>This deletes Byway's settings, your saved bridges and passwords, Tor's state and the logs from this computer. It cannot be undone.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Esto borra de este ordenador los ajustes de Byway, tus puentes y contraseñas guardados, el estado de Tor y los registros. No se puede deshacer.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forget everything</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Olvidarlo todo</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Some things could not be deleted: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Algunas cosas no se pudieron borrar: {what}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Everything Byway kept on this computer has been deleted.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se ha borrado todo lo que Byway guardaba en este ordenador.</translation>
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
            <translation type="unfinished">Dónde se guardan los secretos...</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Where secrets are kept</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Dónde se guardan los secretos</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose between this session only and Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Elegir entre solo esta sesión o la bóveda cifrada de Byway</translation>
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
            <translation type="unfinished">&amp;Ajustes</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Modo &amp;demo</translation>
        </message>
        <message>
            <location line="+6" />
            <source>&amp;Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Salir</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Help</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">A&amp;yuda</translation>
        </message>
        <message>
            <location line="+1" />
            <source>&amp;Presenter's note</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Nota para quien presenta</translation>
        </message>
        <message>
            <location line="+23" />
            <source>DEMO: simulated network ({name}). Nothing is sent anywhere.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">DEMO: red simulada ({name}). No se envía nada a ninguna parte.</translation>
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
            <translation type="unfinished">Modo portátil</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Installed mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Modo instalado</translation>
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
            <translation type="unfinished">Algo inesperado salió mal.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Something unexpected went wrong. A report is shown in a separate window.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Algo inesperado salió mal. Se muestra un informe en otra ventana.</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Tests stopped. Nothing more is being sent.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pruebas detenidas. Ya no se envía nada.</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Tests finished: {headline}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Las pruebas terminaron: {headline}</translation>
        </message>
        <message>
            <location line="+25" />
            <source>Checking which ways out can be reached from here (a few seconds)...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Comprobando qué vías de salida se alcanzan desde aquí (unos segundos)...</translation>
        </message>
        <message>
            <location line="+103" />
            <source>Requesting bridges is not available in this build.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pedir puentes no está disponible en esta versión.</translation>
        </message>
    </context>
    <context>
        <name>Moat</name>
        <message>
            <location filename="../../desktop/byway/transports/moat.py" line="+116" />
            <source>it is not JSON</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no es JSON</translation>
        </message>
        <message>
            <location line="+2" />
            <source>it is nested too deeply</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">está anidado demasiado profundo</translation>
        </message>
        <message>
            <location line="+62" />
            <source>HTTP status {status}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">estado HTTP {status}</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+5" />
            <source>it is too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">es demasiado grande</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server could not be reached ({error}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se pudo llegar al servidor de puentes ({error}).</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/moat_answers.py" line="+93" />
            <source>The bridge server did not understand the request.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El servidor de puentes no entendió la petición.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The bridge server knows no working transport of those asked for here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El servidor de puentes no conoce ningún transporte que funcione de los pedidos aquí.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The bridge server could not tell which country you are in; choose it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El servidor de puentes no pudo saber en qué país estás; elígelo tú.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The bridge server refused the request's format.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El servidor de puentes rechazó el formato de la petición.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The answer to the picture was wrong; try a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La respuesta a la imagen no era correcta; prueba con otra.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The bridge server's answer was refused: {what}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se rechazó la respuesta del servidor de puentes: {what}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>an error without a code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un error sin código</translation>
        </message>
        <message>
            <location line="+5" />
            <source>The bridge server answered with error {code}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El servidor de puentes respondió con el error {code}.</translation>
        </message>
        <message>
            <location line="+22" />
            <source>bridge lines are not a list of at most {n}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">las líneas de puente no son una lista de como mucho {n}</translation>
        </message>
        <message>
            <location line="+4" />
            <source>a bridge line is not text</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una línea de puente no es texto</translation>
        </message>
        <message>
            <location line="+17" />
            <source>settings are not a short list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los ajustes no son una lista corta</translation>
        </message>
        <message>
            <location line="+5" />
            <source>a setting has no bridges object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un ajuste no tiene objeto de puentes</translation>
        </message>
        <message>
            <location line="+3" />
            <source>a setting has no transport type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un ajuste no tiene tipo de transporte</translation>
        </message>
        <message>
            <location line="+20" />
            <source>there is no settings list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no hay lista de ajustes</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the country is not a two-letter code</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el país no es un código de dos letras</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the country map is not an object of countries</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el mapa de países no es un objeto de países</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the country map has an entry that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el mapa de países tiene una entrada que no es un país</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the country list is not a list</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la lista de países no es una lista</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the country list holds something that is not a country</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la lista de países contiene algo que no es un país</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the built-in bridge list is not an object</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la lista de puentes incluidos no es un objeto</translation>
        </message>
        <message>
            <location line="+8" />
            <source>there is no data item</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no hay elemento de datos</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the data item is of the wrong type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el elemento de datos es de un tipo incorrecto</translation>
        </message>
        <message>
            <location line="+9" />
            <source>the captcha image is missing or too large</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la imagen del captcha falta o es demasiado grande</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the captcha challenge is missing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">falta el desafío del captcha</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the captcha image is not base64</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la imagen del captcha no está en base64</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the captcha image is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la imagen del captcha está vacía</translation>
        </message>
        <message>
            <location line="+9" />
            <source>no usable bridge came back</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no llegó ningún puente utilizable</translation>
        </message>
    </context>
    <context>
        <name>MoatDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/moat_dialog.py" line="+41" />
            <source>Request bridges from the Tor Project</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pedir puentes al Tor Project</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the characters in the picture. The Tor Project then gives you bridges that are not published, so they are less likely to be blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe los caracteres de la imagen. El Tor Project te dará entonces puentes que no están publicados, así que es menos probable que estén bloqueados.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Captcha picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Imagen del captcha</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A picture of characters to type below; ask someone to read it if you cannot see it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Una imagen con caracteres que escribir abajo; pide a alguien que te la lea si no puedes verla</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Captcha answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Respuesta del captcha</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Type the characters shown in the picture, then press Enter</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe los caracteres que se ven en la imagen y pulsa Intro</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;New picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Otra imagen</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Fetch a different picture</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Traer una imagen diferente</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Get bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Obtener puentes</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Send the answer and receive bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Enviar la respuesta y recibir puentes</translation>
        </message>
        <message>
            <location line="+2" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cancelar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without requesting bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cerrar sin pedir puentes</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Fetching a picture...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Trayendo una imagen...</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The picture could not be shown. Ask for a new one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se pudo mostrar la imagen. Pide otra.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Type what the picture shows.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe lo que muestra la imagen.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Type what the picture shows first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Primero escribe lo que muestra la imagen.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Sending your answer...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Enviando tu respuesta...</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Received {count} bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Recibidos {count} puentes.</translation>
        </message>
        <message>
            <location line="-15" />
            <source>That was not the right answer. Here is a new picture: try again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La respuesta no era correcta. Aquí tienes una imagen nueva: inténtalo otra vez.</translation>
        </message>
        <message>
            <location line="+29" />
            <source>The request failed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La petición falló.</translation>
        </message>
    </context>
    <context>
        <name>PassphraseDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/passphrase_dialog.py" line="+36" />
            <source>Change the vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cambiar la frase de contraseña de la bóveda</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type the current passphrase, then the new passphrase twice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe la frase de contraseña actual y luego la nueva dos veces</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Type the passphrase that opens the vault now, then the new one twice. Your bridges and passwords stay in the vault; only the passphrase that opens it changes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe la frase de contraseña que abre la bóveda ahora y luego la nueva dos veces. Tus puentes y contraseñas siguen en la bóveda; solo cambia la frase de contraseña que la abre.</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Current passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Frase de contraseña actual</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The passphrase that opens Byway's vault now</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La frase de contraseña que abre la bóveda de Byway ahora</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Current passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Frase de contraseña actual:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Frase de contraseña nueva</translation>
        </message>
        <message>
            <location line="+0" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Una nueva frase de contraseña para la bóveda de Byway, de al menos 8 caracteres</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Frase de contraseña nueva:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>New passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Repite la frase de contraseña nueva</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe otra vez la misma frase de contraseña, para estar seguros</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Otra vez:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No hay forma de recuperar una frase de contraseña olvidada.</translation>
        </message>
        <message>
            <location line="+9" />
            <location line="+1" />
            <source>Change passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cambiar la frase de contraseña</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Re-encrypt the vault under the new passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Volver a cifrar la bóveda con la nueva frase de contraseña</translation>
        </message>
        <message>
            <location line="+4" />
            <location line="+1" />
            <source>Cancel</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cancelar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close without changing the passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cerrar sin cambiar la frase de contraseña</translation>
        </message>
        <message>
            <location line="+30" />
            <source>Type the passphrase that opens the vault now.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe la frase de contraseña que abre la bóveda ahora.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Elige una frase de contraseña de al menos 8 caracteres.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Las dos frases de contraseña no son iguales.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The new passphrase is the same as the current one.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La frase de contraseña nueva es igual a la actual.</translation>
        </message>
        <message>
            <location line="+21" />
            <source>Checking the current passphrase and re-encrypting the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Comprobando la frase de contraseña actual y volviendo a cifrar la bóveda...</translation>
        </message>
    </context>
    <context>
        <name>ProxyTab</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/proxy.py" line="+26" />
            <source>Only if this network lets nothing out except through a proxy.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Solo si esta red no deja salir nada salvo a través de un proxy.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Proxy type</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tipo de proxy</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The kind of proxy, or none</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El tipo de proxy, o ninguno</translation>
        </message>
        <message>
            <location line="+1" />
            <source>No proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sin proxy</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy host</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Host del proxy</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's host name or address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El nombre de host o la dirección del proxy</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy port</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puerto del proxy</translation>
        </message>
        <message>
            <location line="+0" />
            <source>The proxy's port, 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El puerto del proxy, del 1 al 65535</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Proxy user name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Usuario del proxy</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Opcional</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Proxy password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Contraseña del proxy</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Optional; kept as a secret</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Opcional; se guarda como secreto</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Type:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tipo:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Host:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Host:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Port:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puerto:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>User name:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Usuario:</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Password:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Contraseña:</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Save &amp;proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Guardar &amp;proxy</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Use this proxy for every connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Usar este proxy para cada conexión</translation>
        </message>
        <message>
            <location line="+43" />
            <source>Saved.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Guardado.</translation>
        </message>
    </context>
    <context>
        <name>Report</name>
        <message>
            <location filename="../../desktop/byway/report/text.py" line="+24" />
            <source>cannot tell (the control did not answer)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no se sabe (el control no respondió)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>accessible</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">accesible</translation>
        </message>
        <message>
            <location line="+2" />
            <source>down everywhere (not censorship)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">caído en todas partes (no es censura)</translation>
        </message>
        <message>
            <location line="+3" />
            <source>blocked (DNS)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloqueado (DNS)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (TCP/IP)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloqueado (TCP/IP)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (connection failed)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloqueado (la conexión falló)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>blocked (page replaced)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bloqueado (página sustituida)</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Targets: {total} tested, {blocked} blocked, {down} down everywhere</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Objetivos: {total} probados, {blocked} bloqueados, {down} caídos en todas partes</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Probes not sent, to avoid residual blocking from earlier probes: {count}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sondas no enviadas, para evitar el bloqueo residual de sondas anteriores: {count}</translation>
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
            <translation type="unfinished">Informe de red de Byway</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Measured {when} UTC, in {seconds} s</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Medido el {when} UTC, en {seconds} s</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Targets</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Objetivos</translation>
        </message>
    </context>
    <context>
        <name>Resources</name>
        <message>
            <location filename="../../desktop/byway/resources.py" line="+49" />
            <source>Byway's resources folder was not found near {place}; set {variable} to its location</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se encontró la carpeta de recursos de Byway cerca de {place}; define {variable} con su ubicación</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/results.py" line="+22" />
            <source>What this network does</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Lo que hace esta red</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Overview by technique and site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Resumen por técnica y sitio</translation>
        </message>
        <message>
            <location line="+1" />
            <source>One row per site, one column per network layer; each cell says what was seen</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Una fila por sitio, una columna por capa de red; cada celda dice lo que se vio</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+3" />
            <location line="+24" />
            <source>Show details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mostrar detalles</translation>
        </message>
        <message>
            <location line="-26" />
            <source>Show or hide the evidence behind each finding</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mostrar u ocultar las pruebas de cada hallazgo</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Detalles</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Every finding with its evidence, in plain words</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cada hallazgo con sus pruebas, en palabras sencillas</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Test &amp;again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Probar de &amp;nuevo</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Run the tests once more</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Hacer las pruebas otra vez</translation>
        </message>
        <message>
            <location line="+3" />
            <source>See the &amp;way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ver la &amp;vía de salida</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Show the ways out that should work here</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mostrar las vías de salida que deberían funcionar aquí</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Hide details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ocultar detalles</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Site</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Sitio</translation>
        </message>
        <message>
            <location line="+10" />
            <source>no answer</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">sin respuesta</translation>
        </message>
        <message>
            <location line="+2" />
            <source>ok</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">bien</translation>
        </message>
        <message>
            <location line="+7" />
            <source>Nothing to report.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Nada que informar.</translation>
        </message>
    </context>
    <context>
        <name>SecretStorage</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="+44" />
            <source>Secrets: system keyring</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Secretos: llavero del sistema</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Secrets: Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Secretos: bóveda cifrada de Byway</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Secrets: only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Secretos: solo para esta sesión</translation>
        </message>
        <message>
            <location line="+137" />
            <source>Byway runs in portable mode, so nothing is kept in this computer's keyring.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway funciona en modo portátil, así que no se guarda nada en el llavero de este ordenador.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>No system keyring answered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ningún llavero del sistema respondió.</translation>
        </message>
        <message>
            <location line="+39" />
            <source>Choose where Byway keeps bridges and passwords.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Elige dónde guarda Byway los puentes y las contraseñas.</translation>
        </message>
    </context>
    <context>
        <name>SelfTest</name>
        <message>
            <location filename="../../desktop/byway/selftest.py" line="+109" />
            <location line="+15" />
            <source>not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no encontrado</translation>
        </message>
        <message>
            <location line="-21" />
            <source>{path} is the computer's copy, not the bundle's</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} es la copia del ordenador, no la del paquete</translation>
        </message>
        <message>
            <location line="+25" />
            <source>{path} is empty</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} está vacío</translation>
        </message>
        <message>
            <location line="+17" />
            <source>Qt cannot be loaded: {error}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se puede cargar Qt: {error}</translation>
        </message>
        <message>
            <location line="+14" />
            <source>the main window did not open</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la ventana principal no se abrió</translation>
        </message>
        <message>
            <location line="+25" />
            <source>the demo tested no sites</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la demo no probó ningún sitio</translation>
        </message>
        <message>
            <location line="+5" />
            <source>the advisor proposed nothing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el asesor no propuso nada</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a bundle (running from source)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no es un paquete (se ejecuta desde el código fuente)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway self-test: {where}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Autocomprobación de Byway: {where}</translation>
        </message>
        <message>
            <location line="+1" />
            <source>the user's folders</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">las carpetas del usuario</translation>
        </message>
        <message>
            <location line="+1" />
            <source>  files kept in: {place}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">  archivos guardados en: {place}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Self-test failed: {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La autocomprobación falló: {names}</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Self-test passed.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La autocomprobación se superó.</translation>
        </message>
    </context>
    <context>
        <name>Settings</name>
        <message>
            <location filename="../../desktop/byway/ui/preferences.py" line="+53" />
            <source>Enter the proxy's host name or address, without spaces.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe el nombre de host o la dirección del proxy, sin espacios.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Enter a port from 1 to 65535.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe un puerto del 1 al 65535.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS4 proxies take no user name or password.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los proxies SOCKS4 no admiten usuario ni contraseña.</translation>
        </message>
        <message>
            <location line="+141" />
            <source>Secrets are not kept in Byway's vault now, so there is no passphrase to change.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los secretos no se guardan ahora en la bóveda de Byway, así que no hay ninguna frase de contraseña que cambiar.</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/settings.py" line="+18" />
            <source>Settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ajustes</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+8" />
            <source>Settings sections</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Secciones de los ajustes</translation>
        </message>
        <message>
            <location line="-8" />
            <source>Bridges, proxy, and general</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puentes, proxy y general</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Puentes</translation>
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
            <translation type="unfinished">&amp;General</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Choose a section with the arrow keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Elige una sección con las flechas</translation>
        </message>
        <message>
            <location line="+2" />
            <source>D&amp;one</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Listo</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Close the settings</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cerrar los ajustes</translation>
        </message>
    </context>
    <context>
        <name>StorageDialog</name>
        <message>
            <location filename="../../desktop/byway/ui/secret_storage.py" line="-173" />
            <source>Where should Byway keep your secrets?</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">¿Dónde debe guardar Byway tus secretos?</translation>
        </message>
        <message>
            <location line="+7" />
            <location line="+1" />
            <source>Keep only for this session</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Guardar solo durante esta sesión</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are forgotten when Byway closes; nothing is written to disk</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los puentes y contraseñas se olvidan al cerrar Byway; no se escribe nada en el disco</translation>
        </message>
        <message>
            <location line="+3" />
            <location line="+1" />
            <source>Keep in Byway's encrypted vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Guardar en la bóveda cifrada de Byway</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Bridges and passwords are saved in a file that only your passphrase opens</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Los puentes y contraseñas se guardan en un archivo que solo abre tu frase de contraseña</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Forgotten when Byway closes. Nothing is written to disk.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se olvidan al cerrar Byway. No se escribe nada en el disco.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Vault passphrase</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Frase de contraseña de la bóveda</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The passphrase that opens Byway's vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La frase de contraseña que abre la bóveda de Byway</translation>
        </message>
        <message>
            <location line="+2" />
            <source>A new passphrase for Byway's vault, at least 8 characters</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Una nueva frase de contraseña para la bóveda de Byway, de al menos 8 caracteres</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Passphrase:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Frase de contraseña:</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Passphrase again</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Repite la frase de contraseña</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Type the same passphrase again, to be sure</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe otra vez la misma frase de contraseña, para estar seguros</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Again:</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Otra vez:</translation>
        </message>
        <message>
            <location line="+5" />
            <source>A vault already exists here: type its passphrase to open it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ya existe una bóveda aquí: escribe su frase de contraseña para abrirla.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>There is no way to recover a forgotten passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No hay forma de recuperar una frase de contraseña olvidada.</translation>
        </message>
        <message>
            <location line="+8" />
            <location line="+1" />
            <source>Continue</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Continuar</translation>
        </message>
        <message>
            <location line="+0" />
            <source>Keep secrets the way chosen above</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Guardar los secretos de la forma elegida arriba</translation>
        </message>
        <message>
            <location line="+18" />
            <source>Choose a passphrase of at least 8 characters.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Elige una frase de contraseña de al menos 8 caracteres.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>The two passphrases are not the same.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Las dos frases de contraseña no son iguales.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Type the vault's passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Escribe la frase de contraseña de la bóveda.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Opening the vault...</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Abriendo la bóveda...</translation>
        </message>
    </context>
    <context>
        <name>Store</name>
        <message>
            <location filename="../../desktop/byway/store/atomic.py" line="+24" />
            <source>the drive is read-only</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la unidad es de solo lectura</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la carpeta ya no existe</translation>
        </message>
        <message>
            <location line="+2" />
            <source>permission was refused</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se denegó el permiso</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the drive is full</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la unidad está llena</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/errors.py" line="+31" />
            <source>Byway cannot save to {path}: {detail}. Nothing saved earlier was lost. If Byway runs from a removable drive, check that it is plugged in and not write-protected.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway no puede guardar en {path}: {detail}. No se perdió nada de lo guardado antes. Si Byway funciona desde una unidad extraíble, comprueba que esté conectada y no protegida contra escritura.</translation>
        </message>
        <message>
            <location line="+31" />
            <source>No system keyring was found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se encontró ningún llavero del sistema en este ordenador.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring is locked and could not be unlocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El llavero del sistema está bloqueado y no se pudo desbloquear.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The system keyring refused to store Byway's secrets.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El llavero del sistema se negó a guardar los secretos de Byway.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The only keyring available stores secrets unencrypted in a file, so Byway will not use it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El único llavero disponible guarda los secretos sin cifrar en un archivo, así que Byway no lo usará.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The system keyring did not answer correctly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El llavero del sistema no respondió correctamente.</translation>
        </message>
        <message>
            <location line="+13" />
            <source>You can keep secrets only until Byway closes, or in Byway's own vault file protected by a passphrase.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puedes guardar los secretos solo hasta que Byway se cierre, o en el archivo de bóveda propio de Byway protegido con una frase de contraseña.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>The passphrase is not correct for this vault.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La frase de contraseña no es correcta para esta bóveda.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>The vault file {path} is damaged or was altered ({detail}). Byway will not use its contents.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El archivo de bóveda {path} está dañado o fue alterado ({detail}). Byway no usará su contenido.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/locations.py" line="+76" />
            <location filename="../../desktop/byway/store/settings.py" line="+248" />
            <source>the portable folder is gone</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la carpeta portátil ya no existe</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/settings.py" line="-42" />
            <source>Your settings were saved by a different version of Byway and cannot be read. They were kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tus ajustes se guardaron con otra versión de Byway y no se pueden leer. Se conservaron como {moved_to}; Byway empieza con los ajustes predeterminados.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Your settings file was damaged and cannot be read. It was kept as {moved_to}; Byway starts with default settings.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tu archivo de ajustes estaba dañado y no se puede leer. Se conservó como {moved_to}; Byway empieza con los ajustes predeterminados.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/store/vault.py" line="+124" />
            <source>not a Byway vault</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no es una bóveda de Byway</translation>
        </message>
        <message>
            <location line="+3" />
            <source>unknown vault version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">versión de bóveda desconocida</translation>
        </message>
        <message>
            <location line="+2" />
            <source>the file is truncated</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el archivo está truncado</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header was changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la cabecera se modificó</translation>
        </message>
        <message>
            <location line="+4" />
            <source>the header is not valid</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">la cabecera no es válida</translation>
        </message>
        <message>
            <location line="+55" />
            <source>the encrypted contents were changed</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el contenido cifrado se modificó</translation>
        </message>
    </context>
    <context>
        <name>Targets</name>
        <message>
            <location filename="../../desktop/byway/targets.py" line="+40" />
            <source>Only http:// and https:// addresses can be tested: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Solo se pueden probar direcciones http:// y https://: {url}</translation>
        </message>
        <message>
            <location line="+7" />
            <source>This is not a web address: {url}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Esto no es una dirección web: {url}</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Cannot read the target file {path}: {reason}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se puede leer el archivo de objetivos {path}: {reason}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>{path}, line {number}: {problem}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path}, línea {number}: {problem}</translation>
        </message>
    </context>
    <context>
        <name>Tor</name>
        <message>
            <location filename="../../desktop/byway/tor/errors.py" line="+17" />
            <source>Tor could not connect.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor no pudo conectar.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Try another way out, or try again later.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Prueba otra vía de salida, o inténtalo más tarde.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>A setting for Tor was refused ({key}: {why}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se rechazó un ajuste de Tor ({key}: {why}).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check the bridge lines and proxy you entered.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Revisa las líneas de puente y el proxy que escribiste.</translation>
        </message>
        <message>
            <location line="+11" />
            <source>The Tor program was not found on this computer.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se encontró el programa Tor en este ordenador.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Install Tor (the 'tor' package), or use the portable Byway that carries it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Instala Tor (el paquete 'tor'), o usa el Byway portátil, que lo lleva incluido.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor stopped unexpectedly (exit status {code}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor se detuvo de forma inesperada (código de salida {code}).</translation>
        </message>
        <message>
            <location line="+4" />
            <source>Try connecting again; if it keeps happening, save a report and share it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Intenta conectar de nuevo; si sigue pasando, guarda un informe y compártelo.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Tor got stuck at {progress}% ({tag}): the bridge or relay could not be reached. This network probably blocks it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor se quedó parado en el {progress}% ({tag}): no se pudo llegar al puente o al relé. Probablemente esta red lo bloquea.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while handshaking: the connection was reached but then disturbed, which is how deep packet inspection of this transport looks.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor se quedó parado en el {progress}% ({tag}) durante el handshake: se llegó a la conexión pero luego se alteró, que es como se ve la inspección profunda de paquetes (DPI) de este transporte.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor got stuck at {progress}% ({tag}) while loading the network's directory.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor se quedó parado en el {progress}% ({tag}) mientras cargaba el directorio de la red.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Try another bridge or another transport (snowflake, meek, webtunnel).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Prueba otro puente u otro transporte (Snowflake, meek, webtunnel).</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Check that the computer's date, time and time zone are right, then retry.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Comprueba que la fecha, la hora y la zona horaria del ordenador son correctas, y vuelve a intentarlo.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>Connections to Tor were refused at once: this network actively blocks them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Las conexiones a Tor se rechazaron al instante: esta red las bloquea activamente.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor were cut off (reset): this network interferes with them.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Las conexiones a Tor se cortaron (reinicio): esta red interfiere con ellas.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Connections to Tor timed out: this network silently drops them, or is very slow.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Las conexiones a Tor agotaron el tiempo: esta red las descarta en silencio, o es muy lenta.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>There is no route to the Tor network: this computer may be offline, or it is blocked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No hay ruta hacia la red Tor: puede que este ordenador no tenga conexión, o que esté bloqueado.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>Tor could not reach the network ({reason}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor no pudo llegar a la red ({reason}).</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Check that this computer is online, then try a bridge.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Comprueba que este ordenador tiene conexión, y luego prueba un puente.</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Use a bridge with a transport such as obfs4, snowflake or meek.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Usa un puente con un transporte como obfs4, Snowflake o meek.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>The program that carries the {transport} transport could not run.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se pudo ejecutar el programa que lleva el transporte {transport}.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install obfs4proxy or lyrebird (and snowflake-client for snowflake), or pick another way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Instala obfs4proxy o lyrebird (y snowflake-client para Snowflake), o elige otra vía.</translation>
        </message>
        <message>
            <location line="+14" />
            <source>This computer's clock is off by about {minutes} minutes.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El reloj de este ordenador va desfasado unos {minutes} minutos.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Set the right date, time and time zone, then connect again.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pon bien la fecha, la hora y la zona horaria, y vuelve a conectar.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>Tor could not connect through the proxy {proxy}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor no pudo conectar a través del proxy {proxy}.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Check the proxy's address, port, user name and password, or remove it.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Revisa la dirección, el puerto, el usuario y la contraseña del proxy, o quítalo.</translation>
        </message>
        <message>
            <location line="+12" />
            <source>There was nothing to try: the plan had no usable way out.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No había nada que probar: el plan no tenía ninguna vía de salida utilizable.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>None of the ways out worked.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ninguna de las vías de salida funcionó.</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Install a transport, or add a bridge you got from a friend.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Instala un transporte, o añade un puente que te haya dado alguien de confianza.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/session.py" line="+53" />
            <source>Tor stopped unexpectedly.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor se detuvo de forma inesperada.</translation>
        </message>
        <message>
            <location line="+2" />
            <source>The transport program that carries the connection stopped.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se detuvo el programa de transporte que lleva la conexión.</translation>
        </message>
        <message>
            <location line="+15" />
            <source>Reconnecting…</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Reconectando…</translation>
        </message>
        <message>
            <location line="+16" />
            <source>Reconnected; the SOCKS address is {socks}.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Reconectado; la dirección SOCKS es {socks}.</translation>
        </message>
        <message>
            <location line="+6" />
            <source>The connection was lost.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Se perdió la conexión.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/strategy.py" line="+244" />
            <source>Another way connected first.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Otra vía conectó primero.</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/tor/torrc.py" line="+72" />
            <location line="+76" />
            <source>the port must be from 1 to 65535</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el puerto debe estar entre 1 y 65535</translation>
        </message>
        <message>
            <location line="-74" />
            <source>a SOCKS4 proxy cannot take a password</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un proxy SOCKS4 no admite contraseña</translation>
        </message>
        <message>
            <location line="+2" />
            <source>SOCKS5 user names and passwords stop at 255</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los usuarios y contraseñas de SOCKS5 tienen como máximo 255 caracteres</translation>
        </message>
        <message>
            <location line="+2" />
            <source>an HTTP user name cannot contain ':'</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un usuario HTTP no puede contener ':'</translation>
        </message>
        <message>
            <location line="+24" />
            <source>expected a proxy like socks5://host:1080 or http://user:password@host:8080</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">se esperaba un proxy como socks5://host:1080 o http://usuario:contraseña@host:8080</translation>
        </message>
        <message>
            <location line="+43" />
            <source>not a directory authority</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no es una autoridad de directorio</translation>
        </message>
        <message>
            <location line="+24" />
            <source>a test network needs authorities</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">una red de prueba necesita autoridades</translation>
        </message>
        <message>
            <location line="+99" />
            <source>not an option name</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no es un nombre de opción</translation>
        </message>
        <message>
            <location line="+17" />
            <source>a control character</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">un carácter de control</translation>
        </message>
        <message>
            <location line="+8" />
            <source>not a host name or IP address</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no es un nombre de host ni una dirección IP</translation>
        </message>
    </context>
    <context>
        <name>Transports</name>
        <message>
            <location filename="../../desktop/byway/transports/binaries.py" line="+133" />
            <source>{path} is not a regular file</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} no es un archivo normal</translation>
        </message>
        <message>
            <location line="+2" />
            <source>{path} is not executable</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} no es ejecutable</translation>
        </message>
        <message>
            <location line="+58" />
            <location filename="../../desktop/byway/transports/managed_pt.py" line="+222" />
            <source>{path} could not be started ({error})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{path} no se pudo iniciar ({error})</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/managed_pt.py" line="-78" />
            <source>the transport program exited before it was ready</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el programa de transporte terminó antes de estar listo</translation>
        </message>
        <message>
            <location line="+5" />
            <source>unsupported managed-mode version</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">versión de managed mode no compatible</translation>
        </message>
        <message>
            <location line="+3" />
            <source>the transport program refused: {detail}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el programa de transporte se negó: {detail}</translation>
        </message>
        <message>
            <location line="+11" />
            <source>the transport program does not offer {names}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el programa de transporte no ofrece {names}</translation>
        </message>
        <message>
            <location line="+6" />
            <source>the upstream proxy was not accepted</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">no se aceptó el proxy de salida</translation>
        </message>
        <message>
            <location line="+65" />
            <source>the transport program did not get ready in time</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el programa de transporte no estuvo listo a tiempo</translation>
        </message>
        <message>
            <location line="+33" />
            <source>the SOCKS proxy refused to log in</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el proxy SOCKS rechazó el inicio de sesión</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport refused the bridge arguments</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el transporte rechazó los argumentos del puente</translation>
        </message>
        <message>
            <location line="+8" />
            <source>the transport could not connect: {word}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">el transporte no pudo conectar: {word}</translation>
        </message>
        <message>
            <location filename="../../desktop/byway/transports/transport_support.py" line="+178" />
            <source>{first} or {second}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{first} o {second}</translation>
        </message>
        <message>
            <location line="+19" />
            <source>{transport} needs tor, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} necesita tor, que no se encontró</translation>
        </message>
        <message>
            <location line="+5" />
            <source>plain bridges need only tor ({tor} at {path})</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">los puentes simples solo necesitan tor ({tor} en {path})</translation>
        </message>
        <message>
            <location line="+6" />
            <source>{transport} is carried by {program} at {path}</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} lo lleva {program} en {path}</translation>
        </message>
        <message>
            <location line="+10" />
            <source>{transport} needs {needed}; only {found} was found, which does not support it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} necesita {needed}; solo se encontró {found}, que no lo admite</translation>
        </message>
        <message>
            <location line="+9" />
            <source>{transport} needs {needed}, which was not found</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{transport} necesita {needed}, que no se encontró</translation>
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
            <translation type="unfinished">Conectar</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Disconnect</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Desconectar</translation>
        </message>
        <message>
            <location line="+2" />
            <source>Show Byway</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Mostrar Byway</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Quit</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Salir</translation>
        </message>
        <message>
            <location line="+10" />
            <source>Byway: not connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: sin conexión</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: testing the network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: probando la red</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: conectando</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Byway: connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway: conectado</translation>
        </message>
    </context>
    <context>
        <name>Ui</name>
        <message>
            <location filename="../../desktop/byway/ui/ports.py" line="+157" />
            <source>{what} is not available in this build of Byway ({detail}).</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">{what} no está disponible en esta versión de Byway ({detail}).</translation>
        </message>
        <message>
            <location line="+59" />
            <source>Advice</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Consejo</translation>
        </message>
        <message>
            <location line="+10" />
            <location line="+4" />
            <source>Connecting</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectando</translation>
        </message>
        <message>
            <location line="+189" />
            <source>Demo mode: no request is sent, so Moat is not asked for bridges.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Modo demo: no se envía ninguna petición, así que no se piden puentes a Moat.</translation>
        </message>
    </context>
    <context>
        <name>WelcomePage</name>
        <message>
            <location filename="../../desktop/byway/ui/pages/welcome.py" line="+18" />
            <source>Find a way out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Encuentra una vía de salida</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Byway tests what this network blocks, explains it in plain words, recommends the way out most likely to work, and connects you through Tor.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Byway prueba qué bloquea esta red, lo explica en palabras sencillas, recomienda la vía de salida con más probabilidades de funcionar, y te conecta a través de Tor.</translation>
        </message>
        <message>
            <location line="+8" />
            <source>I understand, and I want to run the tests</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Lo entiendo, y quiero hacer las pruebas</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Consent to testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Consentimiento para las pruebas</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Tick to agree to the tests described above; nothing is tested without it</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Marca esta casilla para aceptar las pruebas descritas arriba; sin ello no se prueba nada</translation>
        </message>
        <message>
            <location line="+9" />
            <source>Connect without testing</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectar sin probar</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Skip the network test and go straight to the recommended ways out</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Saltar la prueba de red e ir directamente a las vías de salida recomendadas</translation>
        </message>
        <message>
            <location line="+4" />
            <source>&amp;Test this network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">&amp;Probar esta red</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Start testing which sites and which ways to Tor this network blocks</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Empezar a probar qué sitios y qué vías hacia Tor bloquea esta red</translation>
        </message>
    </context>
    <context>
        <name>Words</name>
        <message>
            <location filename="../../desktop/byway/ui/words.py" line="+19" />
            <source>Plain Tor (no bridge)</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor directo (sin puente)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>obfs4 bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puentes obfs4</translation>
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
            <translation type="unfinished">meek (a través de un proveedor de nube)</translation>
        </message>
        <message>
            <location line="+1" />
            <source>WebTunnel bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Puentes WebTunnel</translation>
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
            <translation type="unfinished">Puentes simples</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Your own bridges</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tus propios puentes</translation>
        </message>
        <message>
            <location line="+8" />
            <source>Starting Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Iniciando Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Starting the bridge's transport</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Iniciando el transporte del puente</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Reaching the bridge</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Llegando al puente</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectando a tu proxy</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to your proxy</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectado a tu proxy</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connecting to the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectando a la red Tor</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Connected to a first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectado a un primer relé</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Greeting the first relay</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Saludando al primer relé</translation>
        </message>
        <message>
            <location line="+1" />
            <source>The first relay answered</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">El primer relé respondió</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Opening an encrypted directory connection</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Abriendo una conexión cifrada al directorio</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pidiendo la lista de relés</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the list of relays</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cargando la lista de relés</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading the directory keys</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cargando las claves del directorio</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Asking for relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Pidiendo los detalles de los relés</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Loading relay details</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Cargando los detalles de los relés</translation>
        </message>
        <message>
            <location line="+1" />
            <source>Enough is known to build a path</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Ya se sabe lo suficiente para trazar un camino</translation>
        </message>
        <message>
            <location line="+1" />
            <location line="+1" />
            <location line="+7" />
            <source>Building a path through Tor</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Trazando un camino a través de Tor</translation>
        </message>
        <message>
            <location line="-6" />
            <source>Connected</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conectado</translation>
        </message>
        <message>
            <location line="+5" />
            <source>Learning about the Tor network</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Conociendo la red Tor</translation>
        </message>
        <message>
            <location line="+7" />
            <source>The bridge or relay could not be reached: it is probably blocked here.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">No se pudo llegar al puente o al relé: probablemente está bloqueado aquí.</translation>
        </message>
        <message>
            <location line="+4" />
            <source>The connection was cut during the handshake: this network may recognise this way.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">La conexión se cortó durante el handshake: puede que esta red reconozca esta vía.</translation>
        </message>
        <message>
            <location line="+3" />
            <source>Tor stopped while loading the directory: check that your computer's clock is right.</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Tor se detuvo mientras cargaba el directorio: comprueba que el reloj del ordenador está bien.</translation>
        </message>
    </context>
    <context>
        <name>window</name>
        <message>
            <location filename="../../desktop/byway/ui/app.py" line="+123" />
            <source>Demo mode</source>
            <translatorcomment>machine-drafted: awaiting review by a native speaker</translatorcomment>
            <translation type="unfinished">Modo demo</translation>
        </message>
    </context>
</TS>