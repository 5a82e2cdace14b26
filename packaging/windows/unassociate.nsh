; Included into the NSIS uninstaller (Windows.cmake): removes what associate.nsh added, nothing else.
DeleteRegKey SHCTX "Software\Classes\NeuroDx.MedicalImage"
DeleteRegValue SHCTX "Software\Classes\.dcm\OpenWithProgids" "NeuroDx.MedicalImage"
DeleteRegValue SHCTX "Software\Classes\.nii\OpenWithProgids" "NeuroDx.MedicalImage"
DeleteRegKey SHCTX "Software\Classes\Applications\neurodx.exe"
System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
