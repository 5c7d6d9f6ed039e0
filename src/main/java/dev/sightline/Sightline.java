package dev.sightline;
public class Sightline { public static void main(String[] a) {} }
