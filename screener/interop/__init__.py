"""Interoperability with the tools clinics and survey teams already use.

One module per format, each generated from (or read against) the question bank, so the
bank stays the one source of truth:

===========================  ==========================================================
``fhir_questionnaire``       the bank as an HL7 FHIR Questionnaire (R4 or R5, SDC
                             extensions for exclusive options and help)
``fhir_response``            a FHIR QuestionnaireResponse (or a Bundle holding one) read
                             back as an answers mapping
``redcap``                   the bank as a REDCap data dictionary (CSV)
``xlsform``                  the bank as an XLSForm (ODK Central, KoboToolbox, ...)
``skip_logic``               shown_if written as REDCap branching logic or XLSForm
                             relevance ("shown unless definitely false")
``records``                  batch CSV columns of a plain, REDCap or ODK Central export
                             turned into answers
``red_flags``                the tolerant red-flag scan of records that were rejected
``fhir_translations``        the other languages of a Questionnaire (translation
                             extension)
===========================  ==========================================================

Nothing here prints or writes files: the commands do.
"""
