; Included into the NSIS installer's install section (Windows.cmake): NeuroDx as an "Open with"
; choice for DICOM (.dcm) and NIfTI (.nii) files, under its own ProgID so that uninstalling removes
; exactly what this added and never the user's chosen default. Windows has no double extensions:
; .nii.gz files open from NeuroDx's File menu.
WriteRegStr SHCTX "Software\Classes\NeuroDx.MedicalImage" "" "Medical image (NeuroDx)"
WriteRegStr SHCTX "Software\Classes\NeuroDx.MedicalImage\DefaultIcon" "" "$INSTDIR\bin\neurodx.exe,0"
WriteRegStr SHCTX "Software\Classes\NeuroDx.MedicalImage\shell\open\command" "" '"$INSTDIR\bin\neurodx.exe" "%1"'
WriteRegStr SHCTX "Software\Classes\.dcm\OpenWithProgids" "NeuroDx.MedicalImage" ""
WriteRegStr SHCTX "Software\Classes\.nii\OpenWithProgids" "NeuroDx.MedicalImage" ""
WriteRegStr SHCTX "Software\Classes\Applications\neurodx.exe\SupportedTypes" ".dcm" ""
WriteRegStr SHCTX "Software\Classes\Applications\neurodx.exe\SupportedTypes" ".nii" ""
System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)' ; SHCNE_ASSOCCHANGED
