; Clerk 窗口受理 — Windows installer (NSIS 3, amd64-unicode), per-machine.
; makensis -INPUTCHARSET UTF8 -DVERSION=0.2.0 -DPAYLOAD=dist\clerk -DOUTFILE=dist\clerk-0.2.0-setup.exe
;          -DICON=packaging\icon\clerk.ico packaging\clerk.nsi
; (packaging/build.sh --nsis-check compiles it against a stand-in payload; the Windows workflow
; builds the real one.)
;
; What it promises:
; - installs into Program Files\Clerk for every user, Start-menu and desktop shortcuts,
;   an entry in Apps & features (uninstall, version, size);
; - refuses to install over or uninstall a running Clerk (clerk.exe or a scheduled clerk-cli.exe);
; - on upgrade removes the old version's program files first (no stale modules from the old
;   release next to the new ones); only the program's own names are deleted;
; - never touches the station data (%LOCALAPPDATA%\Clerk\Clerk: database, backups, logs),
;   not even on uninstall.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "pass -DVERSION=x.y.z (clerk_app/__init__.py)"
!endif
!ifndef PAYLOAD
  !error "pass -DPAYLOAD=<frozen one-folder bundle>"
!endif
!ifndef OUTFILE
  !define OUTFILE "clerk-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "icon\clerk.ico"
!endif
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif

!define PRODUCT "Clerk"
!define PRODUCT_ZH "窗口受理"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Clerk"

!include "MUI2.nsh"
!include "x64.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

Name "${PRODUCT} ${PRODUCT_ZH} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Clerk"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${PRODUCT} ${PRODUCT_ZH}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${PRODUCT} ${PRODUCT_ZH} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "Clerk"
VIAddVersionKey /LANG=2052 "LegalCopyright" "Apache-2.0"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\clerk.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; Is one of Clerk's programs in $INSTDIR running? A running .exe cannot be opened for writing
; on Windows, whichever user started it; this covers the window and a scheduled `sync --once`.
!macro _ClerkRefuseWhileRunning un
Function ${un}RefuseWhileRunning
  retry:
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\clerk.exe"
    FileOpen $0 "$INSTDIR\clerk.exe" a
    ${IfNot} ${Errors}
      FileClose $0
    ${Else}
      Goto running
    ${EndIf}
  ${EndIf}
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\clerk-cli.exe"
    FileOpen $0 "$INSTDIR\clerk-cli.exe" a
    ${IfNot} ${Errors}
      FileClose $0
    ${Else}
      Goto running
    ${EndIf}
  ${EndIf}
  Return
  running:
  ; Silent runs (software distribution) cannot ask: exit code 2, nothing changed.
  IfSilent 0 +3
    SetErrorLevel 2
    Quit
  MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
    "窗口受理（Clerk）正在运行（也可能是计划任务中的同步）。$\r$\n请先退出程序，再点“重试”。" \
    /SD IDCANCEL IDRETRY retry
  SetErrorLevel 2
  Quit
FunctionEnd
!macroend
!insertmacro _ClerkRefuseWhileRunning ""
!insertmacro _ClerkRefuseWhileRunning "un."

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "本程序需要 64 位 Windows 10 或更新版本。" /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  ; An earlier install decides the folder (InstallDirRegKey); check it is not running.
  Call RefuseWhileRunning
FunctionEnd

Section "Clerk" SecMain
  SectionIn RO
  Call RefuseWhileRunning
  ; Upgrade: remove the previous version's program files, by their own names only (the
  ; data directory is elsewhere and never inside $INSTDIR).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\clerk.exe"
  Delete "$INSTDIR\clerk-cli.exe"
  Delete "$INSTDIR\uninstall.exe"

  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT_ZH}.lnk" "$INSTDIR\clerk.exe" "" "$INSTDIR\clerk.exe" 0
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\卸载 ${PRODUCT_ZH}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${PRODUCT_ZH}.lnk" "$INSTDIR\clerk.exe" "" "$INSTDIR\clerk.exe" 0

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT} ${PRODUCT_ZH}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Clerk"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\clerk.exe,0"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
  Call un.RefuseWhileRunning
FunctionEnd

Section "Uninstall"
  ; Program files only. The station data (%LOCALAPPDATA%\Clerk\Clerk of each user: database,
  ; backups, logs) stays: it is the office's record, removed only by a person who means it.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\clerk.exe"
  Delete "$INSTDIR\clerk-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}\${PRODUCT_ZH}.lnk"
  Delete "$SMPROGRAMS\${PRODUCT}\卸载 ${PRODUCT_ZH}.lnk"
  RMDir "$SMPROGRAMS\${PRODUCT}"
  Delete "$DESKTOP\${PRODUCT_ZH}.lnk"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
