; Inno Setup 6 script for the Byway installer (Windows x64).
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\byway packaging\windows\byway.iss
;
; packaging\windows\build.ps1 runs it after PyInstaller and the verified Tor Expert Bundle. The
; installed copy is NOT portable (no byway-portable marker: Program Files is not writable); it keeps
; settings in %APPDATA%\byway like any installed program. The portable .zip is the other artefact.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\byway"
#endif

[Setup]
AppId={{6F0C2B1E-3E4B-4C1A-9B7E-B7A1F3D2C901}
AppName=Byway
AppVersion={#AppVersion}
AppVerName=Byway {#AppVersion}
AppPublisher=The Byway developers
DefaultDirName={autopf}\Byway
DefaultGroupName=Byway
DisableProgramGroupPage=yes
; Per-user install by default (no administrator needed on a borrowed computer); admins may choose all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\..\dist
OutputBaseFilename=byway-{#AppVersion}-windows-x86_64-setup
SetupIconFile=byway.ico
UninstallDisplayIcon={app}\byway.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
LicenseFile=..\..\LICENSE
; Sign with: iscc /Ssigntool="signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 $f" ...
; SignTool=signtool

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fa"; MessagesFile: "compiler:Languages\Farsi.isl"
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "tr"; MessagesFile: "compiler:Languages\Turkish.isl"
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"
Name: "ar"; MessagesFile: "compiler:Languages\Arabic.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Excludes: "byway-portable"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Byway"; Filename: "{app}\byway.exe"
Name: "{autodesktop}\Byway"; Filename: "{app}\byway.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\byway.exe"; Description: "{cm:LaunchProgram,Byway}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; tor started by Byway stops with it (__OwningControllerProcess); nothing to kill here.
