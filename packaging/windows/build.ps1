# Build Byway for Windows x64: the portable .zip and the Inno Setup installer.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 -TorBrowserVersion 15.0.2
#
# Needs: Python 3.11+ (python.org, "py" launcher), GnuPG (Gpg4win) on PATH, Inno Setup 6, Internet.
# Not run yet: written on Linux, see packaging\README.md ("What has been tried").
param(
    [Parameter(Mandatory = $true)][string]$TorBrowserVersion,
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

$version = (Select-String -Path desktop\byway\__init__.py -Pattern '__version__ = "(.+)"').Matches[0].Groups[1].Value
$venv = ".venv-windows"
if (-not (Test-Path "$venv\Scripts\python.exe")) { py -3.11 -m venv $venv }
& "$venv\Scripts\python.exe" -m pip install --upgrade pip
& "$venv\Scripts\python.exe" -m pip install -e ".[bundle]"
if ($LASTEXITCODE) { throw "pip install failed" }

# 1. Byway, Python and Qt (byway.exe for the window, byway-cli.exe for the terminal).
$env:PYTHONHASHSEED = "0"
& "$venv\Scripts\pyinstaller.exe" --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\byway.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }

# 2. tor, lyrebird, snowflake-client, conjure-client and GeoIP from the signed Tor Expert Bundle.
& "$venv\Scripts\python.exe" packaging\fetch_tor_expert_bundle.py --platform windows-x86_64 `
    --version $TorBrowserVersion --into dist\byway
if ($LASTEXITCODE) { throw "the Tor Expert Bundle could not be fetched or verified" }
Copy-Item packaging\linux\README-bundle.txt dist\byway\README.txt  # the same words apply, bar "./byway"

# 3. The portable folder: the marker keeps everything inside it.
$portable = "dist\byway-portable\byway"
Remove-Item -Recurse -Force dist\byway-portable -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Force dist\byway-portable | Out-Null
Copy-Item -Recurse dist\byway $portable
Set-Content -Path "$portable\byway-portable" -Value "This file makes Byway portable: everything stays in this folder."

# 4. Smoke test from a fresh copy, with APPDATA/LOCALAPPDATA/TEMP pointed at empty folders.
$scratch = Join-Path $env:TEMP ("byway-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory -Force "$scratch\appdata", "$scratch\local", "$scratch\temp" | Out-Null
Copy-Item -Recurse $portable "$scratch\byway"
$saved = @{ APPDATA = $env:APPDATA; LOCALAPPDATA = $env:LOCALAPPDATA; TEMP = $env:TEMP; TMP = $env:TMP }
$env:APPDATA = "$scratch\appdata"; $env:LOCALAPPDATA = "$scratch\local"; $env:TEMP = "$scratch\temp"; $env:TMP = "$scratch\temp"
try {
    & "$scratch\byway\byway-cli.exe" --self-test
    $status = $LASTEXITCODE
} finally {
    foreach ($k in $saved.Keys) { Set-Item "env:$k" $saved[$k] }
}
$written = Get-ChildItem -Recurse "$scratch\appdata", "$scratch\local", "$scratch\temp"
if ($status -ne 0) { throw "--self-test failed ($status)" }
if ($written) { throw "the self-test wrote outside the bundle: $($written.FullName -join ', ')" }
Remove-Item -Recurse -Force $scratch

Compress-Archive -Force -Path dist\byway-portable\byway -DestinationPath "dist\byway-$version-windows-x86_64-portable.zip"
$size = (Get-ChildItem -Recurse dist\byway | Measure-Object -Sum Length).Sum / 1MB
Write-Host ("portable bundle: {0:N1} MB unpacked" -f $size)

# 5. The installer (no marker: an installed Byway uses %APPDATA%).
if (-not $SkipInstaller) {
    $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
    & $iscc "/DAppVersion=$version" "/DSourceDir=..\..\dist\byway" packaging\windows\byway.iss
    if ($LASTEXITCODE) { throw "Inno Setup failed" }
}
