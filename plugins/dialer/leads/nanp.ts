/*
 * NANP (+1) area codes of the United States and Canada whose whole area keeps one time zone.
 *
 * Source and rule: NANPA assigns every geographic area code to one state or province (NANPA's
 * "area codes by state/province" list). An area code is listed here only when the state or
 * province it serves keeps one zone throughout (the tz database's zone1970.tab and the US/Canadian
 * time-zone boundaries), or, in a state split between zones, when the code serves only a metro area
 * far from the zone line (Dallas, Houston, Austin, San Antonio, Fort Worth; Wichita and Kansas City,
 * Omaha and Lincoln; Vancouver's 604; Toronto, Ottawa and southern Ontario; Montreal and southern
 * Quebec). Left out on purpose, so that a lead there is "not derivable" rather than guessed:
 *   - the other codes of states and provinces split between zones (FL, MI, IN, KY, TN, TX, KS, NE,
 *     ND, SD, ID, OR, AK, BC, ON 807, QC 418/581/367 with the Magdalen Islands and Blanc-Sablon,
 *     NL, SK with Lloydminster and Creighton) and the territories' 867: some cross the zone line,
 *     the rest we did not check one by one;
 *   - codes whose towns keep another zone unofficially: AL 334 (Phenix City keeps Eastern),
 *     OK 580 (Kenton keeps Mountain), NV 775 (West Wendover keeps Mountain), AZ 928 (the Navajo
 *     Nation keeps DST; the rest of Arizona does not);
 *   - overlays introduced since 2024 that we could not check, and non-geographic codes (800, 888, …).
 * Other NANP countries (Jamaica, Puerto Rico, …) have one zone each and come from the country table.
 */

const ZONES: Record<string, string> = {
  'America/New_York': [
    // CT, DE, DC, GA, ME, MD, MA, NH, NJ
    '203 475 860 959 302 202 229 404 470 478 678 706 762 770 912 207 240 301 410 443 667',
    '339 351 413 508 617 774 781 857 978 603 201 551 609 640 732 848 856 862 908 973',
    // NY, NC, OH, PA, RI, SC, VT, VA, WV
    '212 315 332 347 516 518 585 607 631 646 680 716 718 838 845 914 917 929 934',
    '252 336 704 743 828 910 919 980 984 216 220 234 326 330 380 419 440 513 567 614 740 937',
    '215 223 267 272 412 445 484 570 582 610 717 724 814 878 401 803 839 843 854 864 802',
    '276 434 540 571 703 757 804 948 304 681',
  ].join(' '),
  'America/Chicago': [
    // AL (not 334), AR, IL, IA, LA, MN, MS, MO, WI, OK (not 580)
    '205 251 256 659 938 479 501 870 217 224 309 312 331 618 630 708 773 779 815 847 872',
    '319 515 563 641 712 225 318 337 504 985 218 320 507 612 651 763 952 228 601 662 769',
    '314 417 573 636 660 816 262 414 534 608 715 920 405 539 918',
    // TX metros, KS (Wichita, Kansas City), NE (Omaha, Lincoln)
    '214 469 972 713 281 832 346 512 737 210 817 682 316 913 402 531',
  ].join(' '),
  // CO, MT, NM, UT, WY
  'America/Denver': '303 719 720 970 406 505 575 385 435 801 307',
  // Arizona without the Navajo Nation's 928: no DST
  'America/Phoenix': '480 520 602 623',
  // CA, WA, NV (Las Vegas), OR (Portland, Salem)
  'America/Los_Angeles': [
    '209 213 279 310 323 341 350 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669',
    '707 714 747 760 805 818 820 831 840 858 909 916 925 949 951 206 253 360 425 509 564 702 725 503 971',
  ].join(' '),
  'Pacific/Honolulu': '808',
  'America/Vancouver': '604',
  'America/Edmonton': '403 587 780 825',
  'America/Toronto': '416 647 437 905 289 365 613 343 519 226 548 705 249 514 438 450 579 819 873',
  'America/Winnipeg': '204 431',
  'America/Halifax': '902 782',
  'America/Moncton': '506',
};

export const NANP_AREA_ZONES: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [zone, codes] of Object.entries(ZONES)) {
    for (const code of codes.split(' ')) {
      if (m.has(code)) throw new Error(`area code ${code} listed twice`);
      m.set(code, zone);
    }
  }
  return m;
})();
